/** How a live incident ends truthfully: KPI times from steps applied at the peer, a person's resolution, then its lessons. */
import { condition, setHandler } from '@temporalio/workflow';
import { stepsOf, type Phase } from '../../engine/playbook-types.js';
import { lessonsUpdate, resolveUpdate, type IncidentState, type LessonsRequest, type StepState, type ResolveRequest } from '../../contracts/incident.js';
import { nowIso } from '../../contracts/time.js';
import type { IncidentRun } from './run.js';
import { markHumanAction, unsettledTargetSteps } from './state.js';
import { DONE, EFFECTIVE } from './step-outcome.js';

/** The KPI time a completed phase records, and the status it gives the incident. */
const KPI: Partial<Record<Phase, { time: 'containedAt' | 'eradicatedAt' | 'recoveredAt'; status?: IncidentState['status'] }>> = {
  contain: { time: 'containedAt', status: 'contained' },
  eradicate: { time: 'eradicatedAt' },
  recover: { time: 'recoveredAt', status: 'recovered' },
};

/**
 * A phase is complete only when each of its steps is applied, already so, skipped or done by hand.
 * Its KPI time is when the last of its steps took effect at the peer (or a person did it by hand):
 * a phase of planned, not applied or only skipped steps moves no KPI time.
 */
export function completePhase(run: IncidentRun, phase: Phase): void {
  const { state, playbook } = run;
  // The playbook's steps, and their instances for further targets that follow-ups named.
  const steps = [...playbook.phases[phase].flatMap(stepsOf).map((s) => state.steps[s.id]!), ...Object.values(state.steps).filter((st) => st.target && st.phase === phase)];
  if (state.dryRun) return;
  const open = steps.filter((st) => !DONE.has(st.status));
  if (open.length > 0) {
    run.timeline(`phase ${phase} is not complete: ${open.map((st) => `${st.id} ${st.status}`).join(', ')}`);
    return;
  }
  const kpi = KPI[phase];
  if (!kpi) return;
  const at = lastEffectiveAt(steps);
  if (!at) return;
  state.times[kpi.time] ??= at;
  if (kpi.status) run.setStatus(kpi.status);
}

/** When the last of these steps took effect at its peer (or a person did it by hand); none when none did. */
export function lastEffectiveAt(steps: readonly StepState[]): string | undefined {
  return steps
    .filter((st) => EFFECTIVE.has(st.status))
    .map((st) => st.resolution?.at ?? st.finishedAt ?? '')
    .filter(Boolean)
    .sort()
    .at(-1);
}

export function setClosingHandlers(run: IncidentRun): void {
  setHandler(resolveUpdate, (req) => onResolve(run, req), { validator: (req: ResolveRequest) => validateResolve(run.state, req) });
  setHandler(lessonsUpdate, (req) => onLessons(run, req), { validator: (req: LessonsRequest) => validateLessons(run.state, req) });
}

const filled = (text: unknown, max: number): boolean => typeof text === 'string' && text.trim().length > 0 && text.length <= max;

export function validateResolve(state: IncidentState, req: ResolveRequest): void {
  if (!req?.by) throw new Error('a resolution needs "by" (the caller\'s identity)');
  if (!filled(req.summary, 2000)) throw new Error('a resolution needs a summary (1 to 2000 characters)');
  if (state.resolution) throw new Error(`already resolved by ${state.resolution.by}`);
  if (state.awaiting !== 'resolution') throw new Error(`incident is ${state.status} in phase ${state.phase}: it can be resolved once its steps up to recover are settled`);
  const open = unsettledTargetSteps(state);
  if (open.length > 0) throw new Error(`containment of further targets is not settled: ${open.map((st) => `${st.id} ${st.status}`).join(', ')}`);
}

function onResolve(run: IncidentRun, req: ResolveRequest): IncidentState['status'] {
  run.state.resolution = { by: req.by, at: nowIso(), summary: req.summary.trim() };
  markHumanAction(run.state, nowIso());
  run.timeline(`resolved: ${req.summary.trim()}`, req.by);
  return run.state.status;
}

export function validateLessons(state: IncidentState, req: LessonsRequest): void {
  if (!req?.by) throw new Error('lessons need "by" (the caller\'s identity)');
  if (!filled(req.cause, 5000)) throw new Error('lessons need a cause (1 to 5000 characters)');
  if (!filled(req.impact, 5000)) throw new Error('lessons need an impact (1 to 5000 characters)');
  if (!Array.isArray(req.followUps) || req.followUps.length > 50 || !req.followUps.every((f) => filled(f, 2000))) {
    throw new Error('lessons need followUps: a list of at most 50 non-empty follow-ups');
  }
  if (state.lessons) throw new Error(`lessons already recorded by ${state.lessons.by}`);
  if (!state.resolution) throw new Error(`incident is ${state.status}: lessons are recorded once it is resolved`);
}

function onLessons(run: IncidentRun, req: LessonsRequest): IncidentState['status'] {
  run.state.lessons = { by: req.by, cause: req.cause.trim(), impact: req.impact.trim(), followUps: req.followUps.map((f) => f.trim()), at: nowIso() };
  markHumanAction(run.state, nowIso());
  run.timeline(`lessons recorded (${req.followUps.length} follow-up(s))`, req.by);
  return run.state.status;
}

/** Waits for a person's resolution (or an info playbook's autoResolve), a cancel, or a person's triage (workflows/incident/triage.ts). */
export async function awaitResolution(run: IncidentRun): Promise<'resolved' | 'cancelled' | 'triaged'> {
  const { state, playbook } = run;
  if (!state.resolution && playbook.autoResolve && state.severity === 'info') {
    const incomplete = Object.values(state.steps).some((st) => st.phase !== 'lessons' && !DONE.has(st.status));
    if (!incomplete) {
      state.resolution = { by: `playbook:${playbook.id}`, at: nowIso(), summary: 'autoResolve: an info incident whose steps all completed', auto: true };
      run.timeline('resolved by the playbook (autoResolve, severity info)');
    }
  }
  state.awaiting = 'resolution';
  run.publish();
  await condition(() => !!state.resolution || !!state.cancel || triaged(run));
  if (state.cancel) return 'cancelled';
  state.awaiting = undefined;
  if (triaged(run)) return 'triaged';
  state.times.resolvedAt = state.resolution!.at;
  run.setStatus('resolved');
  return 'resolved';
}

/** A person marked it a false positive, merged it, or started a playbook in it. */
export const triaged = (run: IncidentRun): boolean => !!run.state.falsePositive || !!run.state.mergedInto || !!run.playbookStart;

/** Waits for the lessons; 'reopened' when a firing follow-up set the resolution aside first (follow-ups.ts). */
export async function awaitLessons(run: IncidentRun): Promise<'recorded' | 'cancelled' | 'reopened'> {
  const { state } = run;
  state.awaiting = 'lessons';
  await condition(() => !!state.lessons || !!state.cancel || !state.resolution);
  if (state.cancel) return 'cancelled';
  if (!state.lessons) return 'reopened';
  state.awaiting = undefined;
  return 'recorded';
}
