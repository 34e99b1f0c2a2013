/**
 * The incident workflow's contract: its input, the state its query answers, and the signal and
 * Updates that the intake, the API, the Slack app and the CLI send. Names here are part of recorded
 * histories: never rename one.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Phase, ResolvedPlaybook, Severity } from '../engine/playbook-types.js';
import type { FollowUpTarget, Reopening } from './follow-ups.js';
import type { ObservedState } from './observed.js';
import type { TimelineEntry } from './timeline.js';
import type { ApprovalDecision, ApprovalRecord, UndoRecord } from './incident-approval.js';

export type { ObservedState } from './observed.js';

/** The generic alert every intake path normalizes into. */
export interface Alert {
  readonly type: string;
  readonly severity: Severity;
  readonly title: string;
  readonly source: string;
  readonly observed_at?: string;
  readonly fingerprint?: string;
  readonly resource?: { readonly kind: string; readonly name: string; readonly version?: string; readonly uri?: string };
  readonly principal?: {
    readonly user?: string;
    readonly email?: string;
    readonly aws_user?: string;
    readonly aws_access_key_id?: string;
    /** An IAM role the alert names (e.g. an assumed role whose temporary credentials were used). */
    readonly aws_role?: string;
    readonly github_login?: string;
    readonly ip?: string;
  };
  readonly labels?: Readonly<Record<string, string>>;
  readonly details?: Readonly<Record<string, unknown>>;
  /** Set by Warden when the alert is received. */
  readonly received_at?: string;
  /** Set by Warden per received alert; the signal that accompanies a start carries the same id. */
  readonly alert_id?: string;
  /**
   * What the sender says of the condition: `resolved` is a resolution notification (Alertmanager
   * `resolved`, GitHub `resolved`/`revoked`). Absent means firing. A resolved alert never opens an
   * incident: Warden only delivers it to the open incident of its correlation key.
   */
  readonly status?: 'firing' | 'resolved';
  /** When the sender says the condition ended, and who resolved it where the sender says. */
  readonly resolved_at?: string;
  readonly resolved_by?: string;
  /** Set by Warden: the key that ties follow-ups to one incident (the fingerprint, or one derived). */
  readonly correlation?: string;
  /** Set by Warden: the playbook the intake chose for this alert, and the documented rule why. */
  readonly routing?: { readonly playbook: string; readonly reason: string };
}

export interface IncidentLimits {
  /** Alerts kept in full; beyond it only the count grows and the oldest are dropped. */
  readonly maxRecentAlerts?: number;
  /** Continue-as-new once the history has this many events (at a safe point). */
  readonly continueAsNewAfterEvents?: number;
}

export interface IncidentInput {
  readonly incidentId: string;
  readonly playbook: ResolvedPlaybook;
  readonly playbookSha256: string;
  readonly alert: Alert;
  readonly dryRun: boolean;
  /** Who or what opened the incident (an alert source, or a person's identity). */
  readonly openedBy: string;
  readonly linkedIncidentId?: string;
  readonly limits?: IncidentLimits;
  /** The Ed25519 public key (hex) of the server that signs decisions; absent on incidents started before decisions were signed. */
  readonly decisionKey?: string;
  /** State carried over by continue-as-new. */
  readonly carried?: IncidentState;
}

export const INCIDENT_WORKFLOW_PREFIX = 'incident-';
export const incidentWorkflowId = (incidentId: string): string => `${INCIDENT_WORKFLOW_PREFIX}${incidentId}`;

/**
 * `waiting`: a step was not applied and the incident waits in its phase for a person (retry, done
 * by hand, skip). `contained`/`recovered`: those phases completed with a step applied at the peer.
 * `resolved`: a person resolved it (or an info playbook's autoResolve). `closed`: its lessons are
 * recorded. `planned`: a dry run ended (it moved no KPI time). `false_positive`, `merged`: triaged so by a person; no KPI time, no lessons.
 */
export type IncidentStatus = 'open' | 'awaiting-approval' | 'waiting' | 'contained' | 'recovered' | 'resolved' | 'closed' | 'planned' | 'failed' | 'cancelled' | 'false_positive' | 'merged';
/**
 * How a step ended, each name one case: applied (changed at the peer and read back), already_so,
 * planned (dry run only), not_applied (see `notApplied`), denied (its approval was refused),
 * failed, skipped (its `when`, or a person: see `resolution`), done_by_hand (a person: see
 * `resolution`), cancelled. `succeeded` and `rejected` are what runs before the truthful
 * lifecycle recorded; a carried-over state may still hold them.
 */
export type StepStatus =
  'pending' | 'awaiting-approval' | 'running' | 'applied' | 'already_so' | 'planned' | 'not_applied' | 'denied' | 'failed' | 'skipped' | 'done_by_hand' | 'cancelled' | 'succeeded' | 'rejected';

/** Why a step in a live incident changed nothing at its peer. */
export interface NotApplied {
  readonly reason: 'provider-not-configured' | 'target-missing' | 'refused-by-policy';
  /** Said to people as it is: "aws not configured", "target missing: …", "refused by policy: …". */
  readonly message: string;
}

/** What a person did about a step that was not applied: retry it, mark it done by hand, or skip it. */
export interface StepActionRequest {
  readonly stepId: string;
  readonly action: 'retry' | 'done_by_hand' | 'skip';
  /** The person, from their token: never from the request body. */
  readonly by: string;
  /** The note (done_by_hand) or the reason (skip); required for both. */
  readonly text?: string;
}

export type { ApprovalDecision, ApprovalPath, ApprovalRecord, ApprovalVote, Approver, DecisionSignature, UndoRecord } from './incident-approval.js';
export { LOCAL_ADMIN_ID, ROLLBACK_STEP_PREFIX, rollbackStepId } from './incident-approval.js';

export interface StepState {
  readonly id: string;
  readonly phase: Phase;
  readonly action: string;
  readonly title: string;
  status: StepStatus;
  startedAt?: string;
  finishedAt?: string;
  outcome?: 'changed' | 'already' | 'planned';
  plan?: readonly string[];
  output?: unknown;
  /** The peer's state before and after, as the action read it (actions that change a peer). */
  observed?: ObservedState;
  error?: { readonly message: string; readonly type?: string };
  approval?: ApprovalRecord;
  undo?: UndoRecord;
  /** Set when the step is not_applied: why nothing changed at the peer. */
  notApplied?: NotApplied;
  /** A person's retry, waiting to be run. */
  retryRequested?: { readonly by: string; readonly at: string };
  /** Every retry a person asked for. */
  retries?: { readonly by: string; readonly at: string }[];
  /** Who skipped the step or did it by hand, when, and their reason or note. */
  resolution?: { readonly action: 'done_by_hand' | 'skip'; readonly by: string; readonly text: string; readonly at: string };
  /** Set on a step run again for a further target (`<step>@<n>`): the playbook step it repeats and the target's number. */
  readonly target?: { readonly of: string; readonly n: number };
}

export interface IncidentNote {
  readonly by: string;
  readonly text: string;
  readonly at: string;
  /** Added once the incident was over (closed, cancelled, failed, triaged or a finished dry run): a post-incident note. */
  readonly afterClose?: boolean;
}

export interface IncidentState {
  readonly incidentId: string;
  readonly playbook: { readonly id: string; readonly version: number; readonly sha256: string; readonly title: string };
  readonly title: string;
  readonly dryRun: boolean;
  readonly openedBy: string;
  readonly linkedIncidentId?: string;
  status: IncidentStatus;
  phase: Phase | 'done';
  severity: Severity;
  steps: Record<string, StepState>;
  /** Step ids in order of completion: compensation runs their undo in reverse. */
  completed: string[];
  alerts: { count: number; recent: Alert[]; lastAt: string };
  /**
   * Each distinct principal the incident's alerts named, the first MAX_PRINCIPALS kept and never
   * dropped (unlike `alerts.recent`): no one decides on an incident about themselves, however
   * many alerts came after the one that named them.
   */
  principals?: NonNullable<Alert['principal']>[];
  notes: IncidentNote[];
  timeline: TimelineEntry[];
  times: {
    detectedAt: string;
    createdAt: string;
    firstHumanActionAt?: string;
    acknowledgedAt?: string; // the first acknowledgement: MTTA = acknowledgedAt − detectedAt
    containedAt?: string;
    eradicatedAt?: string;
    recoveredAt?: string;
    resolvedAt?: string;
    closedAt?: string;
  };
  /** What the incident waits for once its phases up to recover have run: a person's resolution, then its lessons. */
  awaiting?: 'resolution' | 'lessons';
  resolution?: { readonly by: string; readonly at: string; readonly summary: string; readonly auto?: boolean };
  lessons?: LessonsRecord;
  cancel?: { readonly by: string; readonly reason: string; readonly rollback: boolean; readonly at: string };
  /** Who acknowledged it first (a later one does not move it), and a person's triage (contracts/incident-triage.ts). */
  acknowledged?: { readonly by: string; readonly at: string };
  falsePositive?: { readonly by: string; readonly at: string; readonly reason: string };
  mergedInto?: { readonly incidentId: string; readonly by: string; readonly at: string; readonly reason?: string };
  mergedFrom?: { readonly incidentId: string; readonly by: string; readonly at: string; readonly alerts: number }[];
  playbookStarts?: { readonly playbook: string; readonly version: number; readonly from: string; readonly by: string; readonly at: string; readonly reason?: string }[];
  /** Further targets follow-up alerts named; their containment steps are `<step>@<n>` in `steps`. */
  targets?: FollowUpTarget<Alert>[];
  /** Each time a firing follow-up reopened the resolved incident, with the resolution set aside. */
  reopenings?: Reopening[];
  failure?: { readonly stepId: string; readonly message: string };
  runs: number;
}

export interface ResolveRequest {
  readonly by: string;
  readonly summary: string;
}

export interface LessonsRequest {
  readonly by: string;
  readonly cause: string;
  readonly impact: string;
  readonly followUps: readonly string[];
}

export type LessonsRecord = LessonsRequest & { readonly at: string };

export interface CancelRequest {
  readonly by: string;
  readonly reason: string;
  readonly rollback: boolean;
}

export interface NoteRequest {
  readonly by: string;
  readonly text: string;
}

export interface SeverityChange {
  readonly by: string;
  readonly severity: Severity;
  readonly reason?: string;
}

export const incidentStateQuery = defineQuery<IncidentState>('incident.state');
export const alertSignal = defineSignal<[Alert]>('incident.alert');
/** The approval primitive: Slack, the API and the CLI all send this Update. */
export const approvalUpdate = defineUpdate<ApprovalRecord, [ApprovalDecision]>('incident.approval');
export const cancelUpdate = defineUpdate<IncidentState['status'], [CancelRequest]>('incident.cancel');
export const noteUpdate = defineUpdate<number, [NoteRequest]>('incident.note');
export const severityUpdate = defineUpdate<Severity, [SeverityChange]>('incident.severity');
/** A person resolves the incident (it waits for this once its phases up to recover have run); returns the status. */
export const resolveUpdate = defineUpdate<IncidentStatus, [ResolveRequest]>('incident.resolve');
/** A person records the lessons (cause, impact, follow-ups) of a resolved incident; then it closes. */
export const lessonsUpdate = defineUpdate<IncidentStatus, [LessonsRequest]>('incident.lessons');
/** A person's action on a step that was not applied (retry, done by hand, skip); returns the step's status. */
export const stepActionUpdate = defineUpdate<StepStatus, [StepActionRequest]>('incident.step');
