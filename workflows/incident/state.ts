import { PHASES, stepsOf, type ResolvedPlaybook } from '../../engine/playbook-types.js';
import { rememberPrincipal } from '../../contracts/principal.js';
import type { Alert, IncidentInput, IncidentState, StepState } from '../../contracts/incident.js';

export const DEFAULT_MAX_RECENT_ALERTS = 100;

/** A step in one of these states is not run again (after continue-as-new, or when the phase runner revisits it). */
export const TERMINAL: ReadonlySet<StepState['status']> = new Set([
  'applied',
  'already_so',
  'planned',
  'not_applied',
  'denied',
  'failed',
  'skipped',
  'done_by_hand',
  'cancelled',
  'succeeded',
  'rejected',
]);

/** Every step of a playbook, pending. */
export function pendingSteps(playbook: ResolvedPlaybook): Record<string, StepState> {
  const steps: Record<string, StepState> = {};
  for (const phase of PHASES) {
    for (const step of playbook.phases[phase].flatMap(stepsOf)) {
      steps[step.id] = { id: step.id, phase, action: step.action, title: step.title, status: 'pending' };
    }
  }
  return steps;
}

/** The incident's first state, or the state carried over by continue-as-new. */
export function initialState(input: IncidentInput, now: string): IncidentState {
  if (input.carried) return { ...input.carried, runs: input.carried.runs + 1 };
  const steps = pendingSteps(input.playbook);
  const alert = { ...input.alert, received_at: input.alert.received_at ?? now };
  return {
    incidentId: input.incidentId,
    playbook: { id: input.playbook.id, version: input.playbook.version, sha256: input.playbookSha256, title: input.playbook.title },
    title: input.alert.title,
    dryRun: input.dryRun,
    openedBy: input.openedBy,
    ...(input.linkedIncidentId ? { linkedIncidentId: input.linkedIncidentId } : {}),
    status: 'open',
    phase: 'detect',
    severity: input.alert.severity,
    steps,
    completed: [],
    alerts: { count: 1, recent: [alert], lastAt: now },
    principals: input.alert.principal ? [input.alert.principal] : [],
    notes: [],
    timeline: [{ at: now, event: `opened by ${input.openedBy} from alert "${input.alert.title}" (playbook ${input.playbook.id} v${input.playbook.version})` }],
    times: { detectedAt: input.alert.observed_at ?? now, createdAt: now },
    runs: 1,
  };
}

/** Keeps the count of every alert and the most recent ones in full. */
export function recordAlert(state: IncidentState, alert: Alert, now: string, maxRecent: number): void {
  state.alerts.count += 1;
  state.alerts.lastAt = now;
  state.alerts.recent.push({ ...alert, received_at: alert.received_at ?? now });
  rememberPrincipal((state.principals ??= []), alert.principal);
  if (state.alerts.recent.length > maxRecent) state.alerts.recent.splice(0, state.alerts.recent.length - maxRecent);
}

/** The template context: the first alert, the incident, and every step's status and output. */
export function templateContext(state: IncidentState, firstAlert: Alert): Record<string, unknown> {
  const steps: Record<string, unknown> = {};
  for (const [id, s] of Object.entries(state.steps)) steps[id] = { status: s.status, output: s.output, outcome: s.outcome };
  return {
    alert: firstAlert,
    incident: {
      id: state.incidentId,
      title: state.title,
      severity: state.severity,
      status: state.status,
      dryRun: state.dryRun,
      playbook: state.playbook.id,
      alertCount: state.alerts.count,
      latestAlert: state.alerts.recent[state.alerts.recent.length - 1],
      openedBy: state.openedBy,
    },
    steps,
  };
}

export function markHumanAction(state: IncidentState, now: string): void {
  state.times.firstHumanActionAt ??= now;
}

/**
 * Step instances of further targets (`<step>@<n>`) that have not settled: still to run, running,
 * awaiting approval, not applied, or failed (an instance's failure never stops the incident: a
 * person marks it done by hand or skips it).
 */
export function unsettledTargetSteps(state: IncidentState): StepState[] {
  return Object.values(state.steps).filter((st) => st.target && (!TERMINAL.has(st.status) || st.status === 'not_applied' || st.status === 'failed'));
}
