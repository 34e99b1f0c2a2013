import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { durationMs } from '../../engine/duration.js';
import { evaluateExpression, truthy } from '../../engine/expression.js';
import { renderParsed } from '../../engine/parsed-value.js';
import { PHASES, type ApprovalSpec, type Phase, type PhaseNode, type ResolvedStep, type Severity } from '../../engine/playbook-types.js';
import { allowedGroups, applyDecision, awaitDecision, openApproval, validateDecision } from './approval.js';
import { alertSignal, approvalUpdate, cancelUpdate, incidentStateQuery, noteUpdate, severityUpdate, type ApprovalDecision, type ApprovalRecord, type CancelRequest, type IncidentInput, type IncidentState, type NoteRequest, type SeverityChange, type StepState } from '../../contracts/incident.js';
import { SA_PHASE, SA_PLAYBOOK, SA_SEVERITY, SA_STATUS } from '../../contracts/search-attributes.js';
import {
  allSteps,
  DEFAULT_MAX_RECENT_ALERTS,
  initialState,
  markHumanAction,
  recordAlert,
  stepsOf,
  templateContext,
} from './state.js';
import { startOffboardingChild } from '../offboarding/child.js';
import { describeFailure, runActionActivity, showApproval } from './step-runner.js';
import { ContinueAsNewNeeded, historyPastLimit } from '../../contracts/continue-as-new.js';
import { nowIso } from '../../contracts/time.js';
import { appendTimeline } from '../../contracts/timeline.js';

const TERMINAL: ReadonlySet<StepState['status']> = new Set(['succeeded', 'planned', 'skipped', 'rejected', 'failed', 'cancelled']);
const PHASE_DONE: Partial<Record<Phase, { status?: IncidentState['status']; time: 'containedAt' | 'eradicatedAt' | 'recoveredAt' }>> = {
  contain: { status: 'contained', time: 'containedAt' },
  eradicate: { time: 'eradicatedAt' },
  recover: { status: 'recovered', time: 'recoveredAt' },
};

type NodeResult = 'continue' | 'stop';

/**
 * One incident, run by its playbook: detect → contain → eradicate → recover → lessons.
 *
 * Side effects happen only in activities (catalog actions, each idempotent under the key
 * `<incident>:<step>`), so a replay or a worker crash never repeats one. Dangerous steps wait
 * for the approval Update; failures follow the step's onFailure (abort, continue, compensate
 * with every completed step's undo in reverse order); cancel may roll back the same way. The
 * history is kept short by continue-as-new, carrying the whole state over.
 */
export async function incidentWorkflow(input: IncidentInput): Promise<IncidentState> {
  const { playbook } = input;
  const maxRecent = input.limits?.maxRecentAlerts ?? DEFAULT_MAX_RECENT_ALERTS;
  const state = initialState(input, nowIso());
  const specs = new Map<string, ApprovalSpec>(allSteps(playbook).flatMap((s) => (s.approval ? [[s.id, s.approval] as const] : [])));
  const shouldContinueAsNew = (): boolean => historyPastLimit(input.limits?.continueAsNewAfterEvents);
  const timeline = (event: string, by?: string): void => appendTimeline(state.timeline, event, by);
  const publish = (): void =>
    upsertSearchAttributes([
      { key: SA_STATUS, value: state.status },
      { key: SA_SEVERITY, value: state.severity },
      { key: SA_PLAYBOOK, value: playbook.id },
      { key: SA_PHASE, value: state.phase },
    ]);
  const setStatus = (status: IncidentState['status']): void => {
    if (state.status !== status) state.status = status;
    publish();
  };

  setHandler(incidentStateQuery, () => state);
  setHandler(alertSignal, (alert) => {
    // signalWithStart delivers the opening alert twice: as the input and as this signal.
    if (alert.alert_id !== undefined && alert.alert_id === input.alert.alert_id) return;
    recordAlert(state, alert, nowIso(), maxRecent);
  });
  setHandler(
    approvalUpdate,
    (decision) => {
      const record = state.steps[decision.stepId]!.approval!;
      applyDecision(record, decision, nowIso());
      markHumanAction(state, nowIso());
      timeline(`${decision.decision} step ${decision.stepId} via ${decision.via}${decision.reason ? `: ${decision.reason}` : ''}`, decision.approver.id);
      return record;
    },
    { validator: (decision: ApprovalDecision) => validateDecision(state, (id) => specs.get(id), decision, Date.now()) },
  );
  setHandler(
    cancelUpdate,
    (req) => {
      state.cancel = { ...req, at: nowIso() };
      markHumanAction(state, nowIso());
      timeline(`cancel requested${req.rollback ? ' with rollback' : ''}: ${req.reason}`, req.by);
      return state.status;
    },
    {
      validator: (req: CancelRequest) => {
        if (!req?.by || !req.reason?.trim()) throw new Error('cancel needs "by" and a "reason"');
        if (state.cancel) throw new Error(`already cancelled by ${state.cancel.by}`);
        if (['closed', 'failed', 'cancelled'].includes(state.status)) throw new Error(`incident is already ${state.status}`);
      },
    },
  );
  setHandler(
    noteUpdate,
    (req) => {
      state.notes.push({ by: req.by, text: req.text, at: nowIso() });
      markHumanAction(state, nowIso());
      return state.notes.length;
    },
    {
      validator: (req: NoteRequest) => {
        if (!req?.by || !req.text?.trim()) throw new Error('a note needs "by" and "text"');
        if (req.text.length > 10_000) throw new Error('a note is at most 10000 characters');
      },
    },
  );
  setHandler(
    severityUpdate,
    (req) => {
      timeline(`severity ${state.severity} → ${req.severity}${req.reason ? `: ${req.reason}` : ''}`, req.by);
      state.severity = req.severity;
      markHumanAction(state, nowIso());
      publish();
      return state.severity;
    },
    {
      validator: (req: SeverityChange) => {
        if (!req?.by) throw new Error('a severity change needs "by"');
        if (!['info', 'low', 'medium', 'high', 'critical'].includes(req.severity)) throw new Error(`unknown severity "${String(req.severity)}"`);
      },
    },
  );

  const ctx = (): Record<string, unknown> => templateContext(state, input.alert);

  /** Announces to the playbook's owners; a failing notification is recorded, never fatal. */
  async function notifyOwners(purpose: string, text: string, via: { slack: boolean } = { slack: true }): Promise<void> {
    const key = `${state.incidentId}:owners:${purpose}`;
    const sends: Promise<unknown>[] = [];
    if (via.slack && playbook.notify.slackChannel) {
      sends.push(runActionActivity('notify', { action: 'notify.slack', params: { channel: playbook.notify.slackChannel, text }, incidentId: state.incidentId, stepId: purpose, idempotencyKey: `${key}:slack`, dryRun: state.dryRun }));
    }
    if (playbook.notify.email?.length) {
      sends.push(
        runActionActivity('notify', {
          action: 'notify.email',
          params: { to: playbook.notify.email, subject: `[Warden ${state.severity}] ${state.title}`, text },
          incidentId: state.incidentId,
          stepId: purpose,
          idempotencyKey: `${key}:email`,
          dryRun: state.dryRun,
        }),
      );
    }
    const results = await Promise.allSettled(sends);
    for (const r of results) if (r.status === 'rejected') timeline(`owner notification failed: ${describeFailure(r.reason).message}`);
  }

  async function runUndo(stepId: string, reason: string): Promise<void> {
    const step = allSteps(playbook).find((s) => s.id === stepId);
    const st = state.steps[stepId];
    if (!step?.undo || !st || st.undo?.status === 'succeeded' || st.undo?.status === 'planned') return;
    const self = { params: renderParsed(step.with, ctx()), output: st.output };
    const params = renderParsed(step.undo.with, { ...ctx(), self });
    try {
      const out = await runActionActivity(step.undo.kind, { action: step.undo.action, params, incidentId: state.incidentId, stepId: `${stepId}.undo`, idempotencyKey: `${state.incidentId}:${stepId}:undo`, dryRun: state.dryRun }, step);
      st.undo = { action: step.undo.action, status: out.status === 'planned' ? 'planned' : 'succeeded', at: nowIso(), output: out.output };
      timeline(`undid ${stepId} (${step.undo.action}) for ${reason}`);
    } catch (err) {
      st.undo = { action: step.undo.action, status: 'failed', at: nowIso(), error: describeFailure(err).message };
      timeline(`undo of ${stepId} failed: ${describeFailure(err).message}`);
    }
  }

  /** Runs the undo of every completed step, most recent first. */
  async function compensate(reason: string): Promise<void> {
    for (const stepId of [...state.completed].reverse()) await runUndo(stepId, reason);
  }

  /** The part of the state an approval message shows (not the alerts or the timeline). */
  const approvalView = (stepId: string) => ({
    incidentId: state.incidentId,
    severity: state.severity,
    playbook: state.playbook,
    title: state.title,
    steps: { [stepId]: state.steps[stepId]! },
  });

  /** Keeps the approval's Slack message current and adds `note` to its thread; never fatal. */
  async function showInSlack(stepId: string, note?: { key: string; text: string }): Promise<void> {
    const st = state.steps[stepId]!;
    try {
      const shown = await showApproval({ view: approvalView(stepId), stepId, ...(playbook.notify.slackChannel ? { channel: playbook.notify.slackChannel } : {}), ...(note ? { note } : {}) });
      if (shown && st.approval && !st.approval.slack) st.approval.slack = shown;
    } catch (err) {
      timeline(`approval message for ${stepId} failed: ${describeFailure(err).message}`);
    }
  }

  async function announceApproval(step: ResolvedStep, kind: 'request' | 'reminder' | 'escalation', record: ApprovalRecord): Promise<void> {
    const groups = allowedGroups(record);
    const plan = state.steps[step.id]?.plan?.map((l) => `  • ${l}`).join('\n') ?? '';
    const headline = kind === 'request' ? 'Approval needed' : kind === 'reminder' ? 'Reminder: approval still needed' : 'Escalated: approval needed';
    const text =
      `${headline} for step "${step.title}" (${step.id}) of incident ${state.incidentId} [${state.severity}] ${state.title}\n` +
      `Playbook ${playbook.id} v${playbook.version}. It will:\n${plan}\n` +
      `Approvers: ${groups.join(', ')} · quorum ${record.quorum}${record.fourEyes ? ' · four-eyes' : ''} · deadline ${record.deadline}`;
    timeline(`approval ${kind} for ${step.id} (deadline ${record.deadline})`);
    const noteKey = `${kind}-${record.escalationLevel}-${record.remindersSent.length}`;
    await showInSlack(step.id, kind === 'request' ? undefined : { key: noteKey, text: `${headline}: approvers ${groups.join(', ')}, deadline ${record.deadline}` });
    // The Slack message carries the request when there is one; email (and plain Slack otherwise) too.
    await notifyOwners(`approval-${kind}-${step.id}-${record.escalationLevel}-${record.remindersSent.length}`, text, { slack: !record.slack });
  }

  async function approve(step: ResolvedStep, st: StepState, params: unknown, inParallel: boolean): Promise<boolean> {
    const spec = step.approval!;
    if (state.dryRun) {
      st.approval ??= { ...openApproval(spec, state.openedBy, Date.now()), outcome: 'not-needed-dry-run', decidedAt: nowIso() };
      return true;
    }
    if (!st.approval && step.kind === 'workflow') {
      st.plan = [`${step.title} (${step.action}) with ${JSON.stringify(params)}`];
      st.approval = openApproval(spec, state.openedBy, Date.now());
    } else if (!st.approval) {
      const preview = await runActionActivity(step.kind, { action: step.action, params, incidentId: state.incidentId, stepId: step.id, idempotencyKey: `${state.incidentId}:${step.id}`, dryRun: true }, step).catch(
        (err: unknown) => ({ plan: [`(the plan could not be read: ${describeFailure(err).message})`] }),
      );
      st.plan = preview.plan;
      st.approval = openApproval(spec, state.openedBy, Date.now());
    }
    st.status = 'awaiting-approval';
    setStatus('awaiting-approval');
    const record = st.approval;
    await awaitDecision(spec, record, { announce: (kind, r) => announceApproval(step, kind, r), progressed: () => showInSlack(step.id), interrupted: () => !!state.cancel, shouldContinueAsNew }, !inParallel);
    if (state.cancel && !record.outcome) {
      record.outcome = 'cancelled';
      return false;
    }
    timeline(`step ${step.id} ${record.outcome}`);
    const last = record.votes.at(-1);
    const by = last && (record.outcome === 'approved' || record.outcome === 'rejected') ? ` by ${last.approver} via ${last.via}${last.reason ? `: ${last.reason}` : ''}` : '';
    await showInSlack(step.id, { key: 'decision', text: `${record.outcome ?? 'decided'}${by}` });
    return record.outcome === 'approved' || record.outcome === 'timeout-approved';
  }

  async function runWorkflowAction(step: ResolvedStep, params: Record<string, unknown>, st: StepState): Promise<void> {
    if (step.action === 'incident.setSeverity') {
      st.plan = [`set the incident's severity to ${String(params.severity)}`];
      if (!state.dryRun) {
        timeline(`severity ${state.severity} → ${String(params.severity)} by step ${step.id}`);
        state.severity = params.severity as Severity;
        publish();
      }
    } else if (step.action === 'incident.wait') {
      st.plan = [`wait ${String(params.duration)}`];
      if (!state.dryRun) await condition(() => !!state.cancel, durationMs(String(params.duration)));
    } else if (step.action === 'identity.offboard') {
      const { email, slackChannel } = playbook.notify;
      const child = await startOffboardingChild({
        person: String(params.person),
        reason: String(params.reason),
        requestedBy: `incident:${state.incidentId}`,
        dryRun: state.dryRun,
        notify: { ...(email?.length ? { email } : {}), ...(slackChannel ? { slackChannel } : {}) },
      });
      timeline(`offboarding ${child.output.workflowId} ${child.output.joined ? 'joined' : child.output.started ? 'started' : 'planned'} by step ${step.id}`);
      st.plan = child.plan;
      st.outcome = state.dryRun ? 'planned' : child.output.joined ? 'already' : 'changed';
      st.output = { ...params, ...child.output };
      return;
    }
    st.outcome = state.dryRun ? 'planned' : 'changed';
    st.output = { ...params };
  }

  /** Runs one step; never throws except to continue-as-new. */
  async function runStep(step: ResolvedStep, inParallel: boolean): Promise<void> {
    const st = state.steps[step.id]!;
    if (TERMINAL.has(st.status)) return;
    let params: Record<string, unknown>;
    try {
      if (step.when && !truthy(evaluateExpression(step.when, ctx()))) {
        st.status = 'skipped';
        st.finishedAt = nowIso();
        return;
      }
      params = renderParsed(step.with, ctx()) as Record<string, unknown>;
    } catch (err) {
      // A template that cannot be evaluated against this alert fails the step, not the workflow task.
      st.status = 'failed';
      st.error = { message: `cannot evaluate the step's templates: ${(err as Error).message}`, type: 'TemplateError' };
      st.finishedAt = nowIso();
      timeline(`step ${step.id} failed: ${st.error.message}`);
      return;
    }
    if (step.approval && !(await approve(step, st, params, inParallel))) {
      st.status = state.cancel ? 'cancelled' : 'rejected';
      st.finishedAt = nowIso();
      if (!state.cancel) setStatus('open');
      return;
    }
    if (state.cancel) return;
    if (state.status === 'awaiting-approval') setStatus('open');
    st.status = 'running';
    st.startedAt = nowIso();
    try {
      if (step.kind === 'workflow') await runWorkflowAction(step, params, st);
      else {
        const incident = step.kind === 'evidence' ? { ...state, steps: state.steps } : undefined;
        const out = await runActionActivity(step.kind, { action: step.action, params, incidentId: state.incidentId, stepId: step.id, idempotencyKey: `${state.incidentId}:${step.id}`, dryRun: state.dryRun, ...(incident ? { incident } : {}) }, step);
        st.outcome = out.status;
        st.plan = out.plan;
        st.output = out.output;
      }
      st.status = st.outcome === 'planned' ? 'planned' : 'succeeded';
      if (step.undo && st.status === 'succeeded') state.completed.push(step.id);
    } catch (err) {
      st.status = 'failed';
      st.error = describeFailure(err);
      timeline(`step ${step.id} failed: ${st.error.message}`);
      await notifyOwners(`failed-${step.id}`, `Step "${step.title}" (${step.id}) of incident ${state.incidentId} failed: ${st.error.message}\nonFailure: ${step.onFailure}`);
    }
    st.finishedAt = nowIso();
    if (st.approval?.slack) await showInSlack(step.id, { key: 'result', text: `Step ${step.id} ${st.status}${st.error ? `: ${st.error.message}` : ''}` });
  }

  async function runNode(node: PhaseNode): Promise<NodeResult> {
    const steps = stepsOf(node);
    if ('step' in node) await runStep(node.step, false);
    else await Promise.all(steps.map((s) => runStep(s, true)));
    for (const step of steps) {
      const st = state.steps[step.id]!;
      if (st.status !== 'failed' || step.onFailure === 'continue') continue;
      state.failure = { stepId: step.id, message: st.error?.message ?? 'failed' };
      if (step.onFailure === 'compensate') await compensate(`failure of ${step.id}`);
      return 'stop';
    }
    return 'continue';
  }

  async function finishCancelled(): Promise<void> {
    const cancel = state.cancel!;
    for (const st of Object.values(state.steps)) if (!TERMINAL.has(st.status)) st.status = 'cancelled';
    if (cancel.rollback) await compensate('cancel with rollback');
    state.phase = 'done';
    state.times.closedAt = nowIso();
    setStatus('cancelled');
  }

  async function runPhases(): Promise<void> {
    for (const phase of PHASES.slice(Math.max(0, PHASES.indexOf(state.phase as Phase)))) {
      state.phase = phase;
      publish();
      for (const node of playbook.phases[phase]) {
        if (state.cancel) return finishCancelled();
        if (stepsOf(node).every((s) => TERMINAL.has(state.steps[s.id]!.status))) continue;
        if (shouldContinueAsNew()) throw new ContinueAsNewNeeded('between steps');
        if ((await runNode(node)) === 'stop') {
          state.phase = 'done';
          setStatus('failed');
          await notifyOwners('incident-failed', `Incident ${state.incidentId} stopped: step ${state.failure?.stepId} failed (${state.failure?.message}).`);
          return;
        }
      }
      if (state.cancel) return finishCancelled();
      const done = PHASE_DONE[phase];
      if (done) {
        state.times[done.time] ??= nowIso();
        if (done.status) setStatus(done.status);
      }
    }
    state.phase = 'done';
    state.times.closedAt = nowIso();
    setStatus('closed');
  }

  publish();
  try {
    await runPhases();
  } catch (err) {
    if (!(err instanceof ContinueAsNewNeeded)) throw err;
    await condition(allHandlersFinished);
    timeline(`continued as new (${err.message})`);
    return continueAsNew<typeof incidentWorkflow>({ ...input, carried: state });
  }
  await condition(allHandlersFinished);
  return state;
}
