/** One incident run: its state (the one object every part changes) and the helpers they share. */
import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { ApprovalSpec, ResolvedPlaybook, ResolvedStep } from '../../engine/playbook-types.js';
import { ROLLBACK_STEP_PREFIX, rollbackStepId, type IncidentInput, type IncidentState } from '../../contracts/incident.js';
import { historyPastLimit } from '../../contracts/continue-as-new.js';
import { SA_PHASE, SA_PLAYBOOK, SA_SEVERITY, SA_STATUS } from '../../contracts/search-attributes.js';
import { nowIso } from '../../contracts/time.js';
import { appendTimeline } from '../../contracts/timeline.js';
import { allSteps } from '../../engine/playbook-types.js';
import { WorkflowAudit } from '../audit/append.js';
import { rollbackSpecs } from './rollback-spec.js';
import { DEFAULT_MAX_RECENT_ALERTS, initialState, templateContext } from './state.js';
import { describeFailure, runActionActivity } from './step-runner.js';

export class IncidentRun {
  readonly playbook: ResolvedPlaybook;
  readonly maxRecentAlerts: number;
  /** The state queries return and continue-as-new carries over. */
  readonly state: IncidentState;
  /** The approval of every step that has one, and of every step's rollback, for the approval Update's validator. */
  readonly approvalSpecs: ReadonlyMap<string, ApprovalSpec>;
  /**
   * Histories recorded before the truthful lifecycle replay the old way (steps `succeeded`, a
   * live unconfigured step `planned`, phases stamped when they finish, the incident closing itself).
   */
  readonly truthful: boolean;
  /** Acknowledge and triage (workflows/incident/triage.ts); runs recorded before them do not offer them. */
  readonly triage: boolean;
  /** A playbook a person started in this triage incident: the run continues as new with it. */
  playbookStart?: { readonly playbook: ResolvedPlaybook; readonly sha256: string };
  /**
   * Histories recorded before follow-ups were contained replay the old way: a joined alert only
   * counted, never reopening a resolved incident nor containing a further target it names.
   */
  readonly followUps: boolean;
  /** The audit trail (workflows/audit/append.ts); runs recorded before it append nothing. */
  readonly audit: WorkflowAudit;
  /** The steps not applied that a wait in this run would attempt again on a person's retry (person-actions.ts). */
  readonly waitingForPerson = new Set<string>();

  constructor(readonly input: IncidentInput) {
    this.playbook = input.playbook;
    this.maxRecentAlerts = input.limits?.maxRecentAlerts ?? DEFAULT_MAX_RECENT_ALERTS;
    this.state = initialState(input, nowIso());
    this.truthful = patched('truthful-lifecycle');
    this.triage = patched('triage-actions');
    this.followUps = patched('follow-up-targets-and-reopen');
    this.audit = new WorkflowAudit();
    this.approvalSpecs = new Map([...allSteps(this.playbook).flatMap((s) => (s.approval ? [[s.id, s.approval] as const] : [])), ...rollbackSpecs(this.playbook)]);
  }

  shouldContinueAsNew(): boolean {
    return historyPastLimit(this.input.limits?.continueAsNewAfterEvents);
  }

  /**
   * How activities name a step (its evidence, its idempotency key): its id; after a person started
   * a playbook in the incident, `<playbook>.<id>`, so its steps stay apart from the triage's.
   */
  stepRef(stepId: string): string {
    return this.state.playbookStarts?.length ? `${this.playbook.id}.${stepId}` : stepId;
  }

  /** The idempotency key of a step: `<incident>:<step>`. */
  key(stepId: string): string {
    return `${this.state.incidentId}:${this.stepRef(stepId)}`;
  }

  timeline(event: string, by?: string): void {
    appendTimeline(this.state.timeline, event, by);
  }

  /** Writes status, severity, playbook and phase to the search attributes. */
  publish(): void {
    upsertSearchAttributes([
      { key: SA_STATUS, value: this.state.status },
      { key: SA_SEVERITY, value: this.state.severity },
      { key: SA_PLAYBOOK, value: this.playbook.id },
      { key: SA_PHASE, value: this.state.phase },
    ]);
  }

  /** Ends the incident in `status` (its end time is `closedAt`). */
  end(status: 'closed' | 'cancelled' | 'false_positive' | 'merged'): void {
    this.state.phase = 'done';
    this.state.times.closedAt = nowIso();
    this.setStatus(status);
  }

  setStatus(status: IncidentState['status']): void {
    const from = this.state.status;
    if (from !== status) {
      this.state.status = status;
      this.audit.append('incident.state', this.state.incidentId, { from, to: status, phase: this.state.phase });
    }
    this.publish();
  }

  /** The context templates and `when` expressions are evaluated in: `alert` is the opening alert, or the follow-up that named the step's target. */
  templateContext(stepId?: string): Record<string, unknown> {
    return templateContext(this.state, this.alertOf(stepId));
  }

  /** The alert a step acts on: its further target's (`<step>@<n>`), else the opening alert. */
  alertOf(stepId?: string): IncidentInput['alert'] {
    const n = stepId === undefined ? undefined : this.state.steps[stepId]?.target?.n;
    return (n !== undefined ? this.state.targets?.find((t) => t.n === n)?.alert : undefined) ?? this.input.alert;
  }

  /** The playbook step a state entry runs: itself, or the one a further target's instance (`<step>@<n>`) repeats. */
  playbookStep(stepId: string): ResolvedStep | undefined {
    const of = this.state.steps[stepId]?.target?.of ?? stepId;
    return allSteps(this.playbook).find((s) => s.id === of);
  }

  /** The approval spec of a step, or of the playbook step a further target's instance repeats. */
  approvalSpecOf(stepId: string): ApprovalSpec | undefined {
    // The rollback of a step (`undo_<step>`, `undo_<step>@<n>`) is approved as its playbook step's rollback.
    const undoing = stepId.startsWith(ROLLBACK_STEP_PREFIX) ? stepId.slice(ROLLBACK_STEP_PREFIX.length) : undefined;
    const of = this.state.steps[undoing ?? stepId]?.target?.of ?? undoing ?? stepId;
    return this.approvalSpecs.get(undoing ? rollbackStepId(of) : of);
  }

  /** The owners' messages still being sent: continue-as-new waits for them rather than cut them off. */
  private readonly sending = new Set<Promise<void>>();

  /** Announces to the playbook's owners; a failing notification is recorded, never fatal. */
  notifyOwners(purpose: string, text: string, via: { slack: boolean } = { slack: true }): Promise<void> {
    const sent = this.sendToOwners(purpose, text, via);
    this.sending.add(sent);
    return sent.finally(() => this.sending.delete(sent));
  }

  /** Resolves once every owners' message started so far has been sent (or has failed, which is recorded). */
  async ownersTold(): Promise<void> {
    while (this.sending.size) await Promise.all([...this.sending]);
  }

  private async sendToOwners(purpose: string, text: string, via: { slack: boolean }): Promise<void> {
    const { state, playbook } = this;
    const key = this.key(`owners:${purpose}`);
    const sends: Promise<unknown>[] = [];
    if (via.slack && playbook.notify.slackChannel) {
      sends.push(
        runActionActivity('notify', {
          action: 'notify.slack',
          params: { channel: playbook.notify.slackChannel, text },
          incidentId: state.incidentId,
          stepId: purpose,
          idempotencyKey: `${key}:slack`,
          dryRun: state.dryRun,
        }),
      );
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
    for (const r of results) if (r.status === 'rejected') this.timeline(`owner notification failed: ${describeFailure(r.reason).message}`);
  }
}
