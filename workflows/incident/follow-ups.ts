/**
 * Follow-up alerts of a live incident. A firing one reopens a resolved (not yet closed) incident;
 * one that names a further target (another access key of the same user, another principal) that
 * the containment steps have not acted on gets those steps run again for it, as `<step>@<n>`.
 */
import { condition } from '@temporalio/workflow';
import { evaluateExpression, truthy } from '../../engine/expression.js';
import { renderParsed } from '../../engine/parsed-value.js';
import { stepsOf, type ResolvedStep } from '../../engine/playbook-types.js';
import { canonicalJson } from '../../contracts/approval-proof.js';
import type { FollowUpTarget } from '../../contracts/follow-ups.js';
import type { Alert, IncidentState } from '../../contracts/incident.js';
import { nowIso } from '../../contracts/time.js';
import type { IncidentRun } from './run.js';
import { templateContext, TERMINAL } from './state.js';
import { lastEffectiveAt } from './closing.js';
import { DONE } from './step-outcome.js';
import { describeFailure } from './step-runner.js';
import { runStep } from './step.js';

/** What an alert names that a containment step can act on: its principal and its resource. */
const TARGET_FIELDS = ['aws_access_key_id', 'aws_user', 'aws_role', 'github_login', 'user', 'email'] as const;

/** Further targets one incident contains; past them a follow-up's target is left to people (a sender cannot grow the state without end). */
export const MAX_TARGETS = 20;

/** Incidents in these states take a follow-up as an event only. */
const OVER: ReadonlySet<IncidentState['status']> = new Set(['closed', 'cancelled', 'failed', 'planned']);

function named(alert: Alert): string {
  const p = alert.principal ?? {};
  const fields = TARGET_FIELDS.flatMap((f) => (p[f] ? [`${f} ${p[f]}`] : []));
  if (alert.resource) fields.push(`${alert.resource.kind} ${alert.resource.name}${alert.resource.version ? ` v${alert.resource.version}` : ''}`);
  return fields.join(', ');
}

/**
 * The plan a step would run for `alert` (its action and rendered parameters), or none when its
 * `when` is false for it or its templates cannot be evaluated against it.
 */
function planFor(state: IncidentState, step: ResolvedStep, alert: Alert): string | undefined {
  try {
    const ctx = templateContext(state, alert);
    if (step.when && !truthy(evaluateExpression(step.when, ctx))) return undefined;
    return canonicalJson({ action: step.action, params: renderParsed(step.with, ctx) });
  } catch {
    return undefined;
  }
}

/** A joined alert: a firing one reopens a resolved incident, and one naming a further target has it contained. */
export function onFollowUp(run: IncidentRun, alert: Alert): void {
  const { state } = run;
  // A resolution notification is recorded only: it never reopens nor starts anything.
  if (alert.status === 'resolved' || state.dryRun || OVER.has(state.status)) return;
  if (state.resolution && !state.lessons) reopen(run, alert, state.resolution);
  addTarget(run, alert);
}

/** Sets the resolution aside (kept in `reopenings`): the incident waits for a person's resolution again. */
function reopen(run: IncidentRun, alert: Alert, previous: NonNullable<IncidentState['resolution']>): void {
  const { state } = run;
  (state.reopenings ??= []).push({ at: nowIso(), ...(alert.alert_id ? { alertId: alert.alert_id } : {}), title: alert.title, previousResolution: previous });
  state.resolution = undefined;
  state.times.resolvedAt = undefined;
  state.awaiting = 'resolution';
  run.timeline(`reopened by alert "${alert.title}"${alert.alert_id ? ` (${alert.alert_id})` : ''}: the resolution by ${previous.by} is set aside; it waits for a person's resolution again`);
  run.setStatus('open');
  void run.notifyOwners(
    `reopened-${state.reopenings.length}`,
    `Incident ${state.incidentId} was resolved by ${previous.by} but a follow-on alert fired: "${alert.title}". It is open again and waits for a person's resolution.`,
  );
}

/**
 * When the alert names something the opening alert and earlier targets did not, each containment
 * step whose plan for it is new (its `when` holds, its rendered parameters differ from every plan
 * the step had) gets an instance `<step>@<n>`. The containment time is cleared until it is contained.
 */
function addTarget(run: IncidentRun, alert: Alert): void {
  const { state, playbook } = run;
  const known = [run.input.alert, ...(state.targets ?? []).map((t) => t.alert)];
  const names = named(alert);
  if (!names || known.some((a) => named(a) === names)) return;
  const n = (state.targets?.length ?? 0) + 2;
  const steps = playbook.phases.contain.flatMap(stepsOf).filter((step) => {
    const plan = planFor(state, step, alert);
    return plan !== undefined && !known.some((a) => planFor(state, step, a) === plan);
  });
  if (steps.length === 0) return;
  if ((state.targets?.length ?? 0) >= MAX_TARGETS) {
    run.timeline(`alert "${alert.title}" names a further target (${names}), past the ${MAX_TARGETS} one incident contains: contain it by hand`);
    void run.notifyOwners(
      `too-many-targets-${state.alerts.count}`,
      `Incident ${state.incidentId}: a follow-up names ${names}, past the ${MAX_TARGETS} further targets one incident contains. Contain it by hand.`,
    );
    return;
  }
  const ids = steps.map((s) => `${s.id}@${n}`);
  steps.forEach((s, i) => {
    state.steps[ids[i]!] = { id: ids[i]!, phase: 'contain', action: s.action, title: `${s.title} (target ${n}: ${names})`, status: 'pending', target: { of: s.id, n } };
  });
  const containedAtBefore = state.times.containedAt;
  state.times.containedAt = undefined;
  const target: FollowUpTarget<Alert> = { n, at: nowIso(), ...(alert.alert_id ? { alertId: alert.alert_id } : {}), names, steps: ids, alert, ...(containedAtBefore ? { containedAtBefore } : {}) };
  (state.targets ??= []).push(target);
  run.timeline(
    `alert "${alert.title}" names a further target (${names}): containment runs for it as ${ids.join(', ')}` +
      (containedAtBefore ? `; containedAt ${containedAtBefore} is cleared until it is contained too` : ''),
  );
  settleStatus(run);
}

/** The playbook step an instance repeats, under the instance's id and title. */
function instanceStep(run: IncidentRun, id: string): ResolvedStep {
  const st = run.state.steps[id]!;
  const base = run.playbookStep(id)!;
  return { ...base, id, title: st.title };
}

/**
 * Runs the further targets' containment, each target's steps in playbook order, targets side by
 * side and alongside the phases (a second leaked key is disabled while the first incident waits
 * for an approval). After continue-as-new it resumes the instances that had not settled.
 */
export async function containFollowUps(run: IncidentRun): Promise<void> {
  const started = new Set<number>();
  const waiting = () => (run.state.targets ?? []).filter((t) => !started.has(t.n) && t.steps.some((id) => !TERMINAL.has(run.state.steps[id]!.status)));
  for (;;) {
    await condition(() => waiting().length > 0);
    for (const target of waiting()) {
      started.add(target.n);
      void containTarget(run, target).catch((err: unknown) => run.timeline(`containment of target ${target.n} stopped: ${describeFailure(err).message}`));
    }
  }
}

async function containTarget(run: IncidentRun, target: FollowUpTarget<Alert>): Promise<void> {
  for (const id of target.steps) {
    if (run.state.cancel) return;
    // In parallel: an instance waiting for its approval never continues the run as new.
    await runStep(run, instanceStep(run, id), true);
    const st = run.state.steps[id]!;
    if (st.status === 'denied') run.timeline(`containment of target ${target.n} (${target.names}): step ${id} denied`);
    if (st.status !== 'failed') continue;
    // A failed instance never stops the incident: it waits for a person to mark it done by hand or skip it.
    run.timeline(`containment of target ${target.n} (${target.names}): step ${id} failed; waiting for a person to mark it done by hand or skip it`);
    settleStatus(run);
    await condition(() => st.status !== 'failed' || !!run.state.cancel);
  }
  settleContainment(run);
  settleStatus(run);
}

/** Once every containment step (the playbook's and each target's) is done, containment is when the last of them took effect. */
function settleContainment(run: IncidentRun): void {
  const { state } = run;
  const contain = Object.values(state.steps).filter((st) => st.phase === 'contain');
  if (state.times.containedAt || contain.some((st) => !DONE.has(st.status))) return;
  const at = lastEffectiveAt(contain);
  if (at) state.times.containedAt = at;
}

/** The status of a live incident from its steps and KPI times, while follow-ups change them. */
function settleStatus(run: IncidentRun): void {
  const { state } = run;
  if (!['open', 'awaiting-approval', 'waiting', 'contained', 'recovered'].includes(state.status)) return;
  const steps = Object.values(state.steps);
  const { containedAt, recoveredAt } = state.times;
  if (steps.some((st) => st.status === 'awaiting-approval')) run.setStatus('awaiting-approval');
  else if (steps.some((st) => st.status === 'not_applied' || (st.target && st.status === 'failed'))) run.setStatus('waiting');
  else run.setStatus(!containedAt ? 'open' : recoveredAt ? 'recovered' : 'contained');
}
