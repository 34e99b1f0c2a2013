import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { LoadedPlaybook } from '../../playbook/load.js';
import { alertSignal, incidentWorkflowId, type Alert, type IncidentInput } from '../../contracts/incident.js';
import type { incidentWorkflow } from '../../workflows/incident/incident.js';
import { hintKey, type OpenIncidentHints } from './open-incidents.js';
import { routeAlert } from './route-playbook.js';

export interface IngestDeps {
  readonly client: Client;
  readonly playbooks: readonly LoadedPlaybook[];
  readonly taskQueue: string;
  /** The public key of the server's decision signer: every incident started here checks decisions against it. */
  readonly decisionKey: string;
  /** The incidents recently seen open, so a repeated alert takes one call (server/intake/open-incidents.ts); absent: every alert looks its incident up. */
  readonly openIncidents?: OpenIncidentHints;
}

export interface IngestResult {
  readonly incidentId: string;
  readonly workflowId: string;
  readonly playbook: string;
  /** True when the alert joined an incident that was already open. */
  readonly deduplicated: boolean;
  readonly linkedIncidentId?: string;
  /** The key that ties follow-ups to this incident. */
  readonly correlation: string;
  /** Why the alert's playbook was chosen (for a joined alert: what it alone would have been routed to). */
  readonly routing: string;
  /** Set for a resolved notification: when the sender says it resolved (else when Warden received it), and by whom. */
  readonly resolved?: { readonly at: string; readonly by?: string };
}

/** A follow-up or resolution for which no incident is open: nothing was started or changed. */
export interface NothingToJoin {
  readonly result: 'nothing to resolve' | 'nothing to join';
  readonly correlation: string;
  readonly reason: string;
}

export type IngestOutcome = IngestResult | NothingToJoin;
export const joinedNothing = (o: IngestOutcome): o is NothingToJoin => 'result' in o;

const MAX_GENERATIONS = 1000;

/** The fingerprint given, or one derived from type, resource and principal. */
export function fingerprintOf(alert: Alert): string {
  if (alert.fingerprint) return alert.fingerprint;
  const who = alert.principal?.aws_user ?? alert.principal?.user ?? alert.principal?.email ?? alert.principal?.github_login ?? alert.principal?.ip ?? '';
  const what = alert.resource ? `${alert.resource.kind}/${alert.resource.name}` : '';
  return `${alert.type}|${what}|${who}`;
}

/** The id prefix of live incidents, and of dry runs (their own sequence: a dry run never takes a live number). */
export const LIVE_ID_PREFIX = 'inc-';
export const DRY_RUN_ID_PREFIX = 'dry-';

/**
 * Incident ids: a short hash of the fingerprint, then -2, -3… for incidents after a closed one.
 * Dry runs count in their own sequence (`dry-…`), so they neither take a live incident's number
 * nor correlate with (join, follow) a live incident, and the other way round.
 */
export function incidentIdFor(fingerprint: string, generation: number, dryRun = false): string {
  const base = `${dryRun ? DRY_RUN_ID_PREFIX : LIVE_ID_PREFIX}${createHash('sha256').update(fingerprint).digest('hex').slice(0, 16)}`;
  return generation === 1 ? base : `${base}-${generation}`;
}

type Slot = { incidentId: string; open: boolean; linkedIncidentId?: string };

/** The open incident for this fingerprint, or the id the next one takes (linked to the last closed one). */
async function findSlot(client: Client, fingerprint: string, dryRun: boolean): Promise<Slot> {
  let linked: string | undefined;
  for (let generation = 1; generation <= MAX_GENERATIONS; generation++) {
    const incidentId = incidentIdFor(fingerprint, generation, dryRun);
    try {
      const desc = await client.workflow.getHandle(incidentWorkflowId(incidentId)).describe();
      if (desc.status.name === 'RUNNING') return { incidentId, open: true };
      linked = incidentId;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { incidentId, open: false, ...(linked ? { linkedIncidentId: linked } : {}) };
      throw err;
    }
  }
  throw new Error(`more than ${MAX_GENERATIONS} incidents for one fingerprint`);
}

/**
 * Delivers a follow-up to the open incident of its key with a plain signal, which never starts a
 * workflow: a resolved notification, or a further event about an alert. No open incident (or
 * one that closed meanwhile): nothing is started or changed, and the answer says so.
 */
async function joinOpen(deps: IngestDeps, alert: Alert & { correlation: string }, routing: string, dryRun: boolean): Promise<IngestOutcome> {
  const resolved = alert.status === 'resolved';
  const nothing: NothingToJoin = {
    result: resolved ? 'nothing to resolve' : 'nothing to join',
    correlation: alert.correlation,
    reason: `no open incident for ${alert.correlation}; ${resolved ? 'a resolved notification' : 'a follow-up'} never opens one`,
  };
  const slot = await findSlot(deps.client, alert.correlation, dryRun);
  if (!slot.open) return nothing;
  const workflowId = incidentWorkflowId(slot.incidentId);
  const handle = deps.client.workflow.getHandle(workflowId);
  try {
    await handle.signal(alertSignal, alert);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return nothing;
    throw err;
  }
  const desc = await handle.describe();
  const playbook = typeof desc.memo?.playbook === 'string' ? desc.memo.playbook : '';
  return {
    incidentId: slot.incidentId,
    workflowId,
    playbook,
    deduplicated: true,
    correlation: alert.correlation,
    routing,
    ...(resolved ? { resolved: { at: alert.resolved_at ?? alert.received_at!, ...(alert.resolved_by ? { by: alert.resolved_by } : {}) } } : {}),
  };
}

/**
 * Makes the alert an incident or adds it to the open one, through signalWithStart: concurrent
 * duplicates converge on one workflow id, so they make exactly one incident. Returns only after
 * Temporal durably recorded the alert (the signal is in the history), so a 202 is never a lie.
 * A resolved notification (`status: resolved`) and a follow-up (`joinOnly`) only join the open
 * incident of their key; they never start one.
 */
export async function ingestAlert(deps: IngestDeps, received: Alert, opts: { dryRun: boolean; joinOnly?: boolean }): Promise<IngestOutcome> {
  const stamped: Alert = { ...received, alert_id: randomUUID(), received_at: received.received_at ?? new Date().toISOString() };
  const fingerprint = fingerprintOf(stamped);
  const route = routeAlert(deps.playbooks, stamped);
  const alert = { ...stamped, correlation: fingerprint, routing: { playbook: route.loaded.playbook.id, reason: route.reason } };
  if (opts.joinOnly || alert.status === 'resolved') return joinOpen(deps, alert, route.reason, opts.dryRun);
  const loaded = route.loaded;
  const start = (incidentId: string, linkedIncidentId?: string) => {
    const input: IncidentInput = {
      incidentId,
      playbook: loaded.playbook,
      playbookSha256: loaded.sha256,
      alert,
      dryRun: opts.dryRun,
      openedBy: `alert:${alert.source}`,
      decisionKey: deps.decisionKey,
      ...(linkedIncidentId ? { linkedIncidentId } : {}),
    };
    return deps.client.workflow.signalWithStart<typeof incidentWorkflow, [Alert]>('incidentWorkflow', {
      workflowId: incidentWorkflowId(incidentId),
      taskQueue: deps.taskQueue,
      args: [input],
      signal: alertSignal,
      signalArgs: [alert],
      // The title and the dry-run mark are for `incidents list` (the memo is encoded like the history).
      memo: { firstAlertId: alert.alert_id, fingerprint, playbook: loaded.playbook.id, routing: route.reason, title: alert.title, dryRun: opts.dryRun },
      // Never reopen a closed incident: a new one (the next generation) is opened instead.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  };
  const base = { correlation: fingerprint, routing: route.reason };
  const key = hintKey(fingerprint, opts.dryRun);
  const hint = deps.openIncidents?.get(key);
  if (hint) {
    try {
      const handle = await start(hint.incidentId);
      // The run the hint names took the alert: it was open, so the alert joined it.
      if (handle.signaledRunId === hint.runId) return { incidentId: hint.incidentId, workflowId: handle.workflowId, playbook: hint.playbook, deduplicated: true, ...base };
      return await readBack(deps, key, hint.incidentId, handle, alert.alert_id!, loaded.playbook.id, base);
    } catch (err) {
      // Closed since: the full path finds the next generation.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      deps.openIncidents?.forget(key);
    }
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const slot = await findSlot(deps.client, fingerprint, opts.dryRun);
    try {
      const handle = await start(slot.incidentId, slot.linkedIncidentId);
      return await readBack(deps, key, slot.incidentId, handle, alert.alert_id!, loaded.playbook.id, base, slot.linkedIncidentId);
    } catch (err) {
      // Closed between our look and the start: look again, and open the next generation.
      if (err instanceof WorkflowExecutionAlreadyStartedError) continue;
      throw err;
    }
  }
  throw new Error('the incident for this fingerprint kept closing while the alert was being added; retry');
}

/** What the alert's signalWithStart reached, read back from Temporal (did it start the incident, with which playbook), kept as the key's hint. */
async function readBack(
  deps: IngestDeps,
  key: string,
  incidentId: string,
  handle: WorkflowHandle,
  alertId: string,
  routed: string,
  base: { correlation: string; routing: string },
  linkedIncidentId?: string,
): Promise<IngestResult> {
  const desc = await handle.describe();
  const started = desc.memo?.firstAlertId === alertId;
  const playbook = typeof desc.memo?.playbook === 'string' ? desc.memo.playbook : routed;
  deps.openIncidents?.set(key, { incidentId, runId: desc.runId, playbook });
  return { incidentId, workflowId: handle.workflowId, playbook, deduplicated: !started, ...base, ...(started && linkedIncidentId ? { linkedIncidentId } : {}) };
}
