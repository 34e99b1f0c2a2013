/**
 * A person's triage (contracts/incident-triage.ts): acknowledge any open incident (the first one
 * is MTTA); once it waits for its resolution, mark it a false positive, merge it into another
 * incident, or start a playbook in a triage incident (the run continues as new with it, same id).
 * A false positive and a merge end the incident without lessons and move no KPI time.
 */
import { setHandler } from '@temporalio/workflow';
import { ContinueAsNewNeeded } from '../../contracts/continue-as-new.js';
import type { IncidentInput, IncidentState } from '../../contracts/incident.js';
import { acknowledgeUpdate, ENDED_STATUSES, mergeInUpdate, triageUpdate, TRIAGE_PLAYBOOK, type AcknowledgeRequest, type MergeInRequest, type TriageRequest } from '../../contracts/incident-triage.js';
import { nowIso } from '../../contracts/time.js';
import type { IncidentRun } from './run.js';
import { markHumanAction, pendingSteps, recordAlert } from './state.js';

const ID = /^[A-Za-z0-9._-]{1,128}$/;
const MAX_MERGED_ALERTS = 1000;

export function setTriageHandlers(run: IncidentRun): void {
  setHandler(acknowledgeUpdate, (req) => onAcknowledge(run, req), { validator: (req: AcknowledgeRequest) => validateAcknowledge(run.state, req) });
  setHandler(triageUpdate, (req) => onTriage(run, req), { validator: (req: TriageRequest) => validateTriage(run, req) });
  setHandler(mergeInUpdate, (req) => onMergeIn(run, req), { validator: (req: MergeInRequest) => validateMergeIn(run.state, req) });
}

function refuseEnded(state: IncidentState): void {
  if (ENDED_STATUSES.has(state.status) || state.phase === 'done') throw new Error(`incident ${state.incidentId} is already ${state.status}`);
}

export function validateAcknowledge(state: IncidentState, req: AcknowledgeRequest): void {
  if (!req?.by) throw new Error('an acknowledgement needs "by" (the caller\'s identity)');
  refuseEnded(state);
}

function onAcknowledge(run: IncidentRun, req: AcknowledgeRequest): NonNullable<IncidentState['acknowledged']> {
  const { state } = run;
  const at = nowIso();
  markHumanAction(state, at);
  if (state.acknowledged) {
    run.timeline(`acknowledged (first by ${state.acknowledged.by} at ${state.acknowledged.at})`, req.by);
    return state.acknowledged;
  }
  state.acknowledged = { by: req.by, at };
  state.times.acknowledgedAt = at;
  run.timeline('acknowledged', req.by);
  return state.acknowledged;
}

const filled = (text: unknown): boolean => typeof text === 'string' && text.trim().length > 0 && text.length <= 2000;

export function validateTriage(run: IncidentRun, req: TriageRequest): void {
  const { state } = run;
  if (!req?.by) throw new Error('a triage needs "by" (the caller\'s identity)');
  if (!['false_positive', 'merge', 'start_playbook'].includes(req.action)) throw new Error(`action "${String(req.action)}" is not one of false_positive, merge, start_playbook`);
  refuseEnded(state);
  if (req.action === 'false_positive' && !filled(req.reason)) throw new Error('false_positive needs a reason (1 to 2000 characters)');
  if (req.reason !== undefined && !filled(req.reason)) throw new Error('the reason is 1 to 2000 characters');
  if (req.action === 'merge') {
    if (typeof req.mergeInto !== 'string' || !ID.test(req.mergeInto)) throw new Error('merge needs mergeInto: the id of an open incident');
    if (req.mergeInto === state.incidentId) throw new Error('an incident cannot be merged into itself');
  }
  if (req.action === 'start_playbook') {
    if (state.playbook.id !== TRIAGE_PLAYBOOK) throw new Error(`incident ${state.incidentId} runs playbook ${state.playbook.id}: a playbook can be started only in a triage incident`);
    if (!req.playbook?.id || !req.playbook.phases || !req.playbookSha256) throw new Error('start_playbook needs the resolved playbook and its sha256');
    if (req.playbook.id === TRIAGE_PLAYBOOK) throw new Error('the triage playbook is the one running: start the playbook that handles the alert');
  }
  if (run.playbookStart) throw new Error(`playbook ${run.playbookStart.playbook.id} is already being started`);
  if (state.resolution) throw new Error(`already resolved by ${state.resolution.by}`);
  if (state.awaiting !== 'resolution') {
    throw new Error(`incident is ${state.status} in phase ${state.phase}: it can be triaged once its steps up to recover are settled (retry, do by hand or skip the waiting step)`);
  }
}

function onTriage(run: IncidentRun, req: TriageRequest): IncidentState['status'] {
  const { state } = run;
  const at = nowIso();
  markHumanAction(state, at);
  const why = req.reason ? `: ${req.reason.trim()}` : '';
  if (req.action === 'false_positive') {
    state.falsePositive = { by: req.by, at, reason: req.reason.trim() };
    run.timeline(`marked a false positive${why}`, req.by);
  } else if (req.action === 'merge') {
    state.mergedInto = { incidentId: req.mergeInto, by: req.by, at, ...(req.reason ? { reason: req.reason.trim() } : {}) };
    run.timeline(`merged into incident ${req.mergeInto}${why}`, req.by);
  } else {
    run.playbookStart = { playbook: req.playbook, sha256: req.playbookSha256 };
    (state.playbookStarts ??= []).push({
      playbook: req.playbook.id,
      version: req.playbook.version,
      from: state.playbook.id,
      by: req.by,
      at,
      ...(req.reason ? { reason: req.reason.trim() } : {}),
    });
    run.timeline(`playbook ${req.playbook.id} v${req.playbook.version} started in this incident (after ${state.playbook.id})${why}`, req.by);
  }
  // The status the incident takes once the run sees it (a started playbook begins open, in detect).
  return req.action === 'false_positive' ? 'false_positive' : req.action === 'merge' ? 'merged' : 'open';
}

/** After awaitResolution saw a triage: a false positive or a merge ends the incident; a started playbook continues as new. */
export function endTriaged(run: IncidentRun): void {
  if (run.playbookStart) throw new ContinueAsNewNeeded(`playbook ${run.playbookStart.playbook.id} started`);
  run.end(run.state.falsePositive ? 'false_positive' : 'merged');
}

/**
 * The input of the run that continues with the started playbook: the same incident, its steps
 * those of the new playbook (the triage's steps that ran are kept as `triage/<id>`), from detect.
 */
export function inputWithStartedPlaybook(run: IncidentRun, input: IncidentInput): IncidentInput {
  const { state } = run;
  const { playbook, sha256 } = run.playbookStart!;
  const kept = Object.values(state.steps)
    .filter((st) => st.status !== 'pending')
    .map((st) => ({ ...st, id: `${state.playbook.id}/${st.id}` }));
  const carried: IncidentState = {
    ...state,
    playbook: { id: playbook.id, version: playbook.version, sha256, title: playbook.title },
    status: 'open',
    phase: 'detect',
    steps: { ...Object.fromEntries(kept.map((st) => [st.id, st])), ...pendingSteps(playbook) },
    completed: [],
    awaiting: undefined,
  };
  return { ...input, playbook, playbookSha256: sha256, carried };
}

export function validateMergeIn(state: IncidentState, req: MergeInRequest): void {
  if (!req?.by) throw new Error('a merge needs "by" (the caller\'s identity)');
  if (typeof req.from !== 'string' || !ID.test(req.from)) throw new Error('a merge needs "from": the merged incident\'s id');
  if (req.from === state.incidentId) throw new Error('an incident cannot be merged into itself');
  if (!Array.isArray(req.alerts) || req.alerts.length > MAX_MERGED_ALERTS) throw new Error(`a merge carries at most ${MAX_MERGED_ALERTS} alerts`);
  if (state.mergedFrom?.some((m) => m.incidentId === req.from)) return;
  if (ENDED_STATUSES.has(state.status) || state.phase === 'done') throw new Error(`incident ${state.incidentId} is already ${state.status}: merge into an open incident`);
}

/** Takes the merged incident's alerts once: a repeated merge of the same incident changes nothing. */
function onMergeIn(run: IncidentRun, req: MergeInRequest): number {
  const { state } = run;
  if (state.mergedFrom?.some((m) => m.incidentId === req.from)) return state.alerts.count;
  const at = nowIso();
  for (const alert of req.alerts) recordAlert(state, alert, at, run.maxRecentAlerts);
  (state.mergedFrom ??= []).push({ incidentId: req.from, by: req.by, at, alerts: req.alerts.length });
  markHumanAction(state, at);
  run.timeline(`incident ${req.from} merged into this one (${req.alerts.length} alert(s))`, req.by);
  return state.alerts.count;
}
