/**
 * Every task queue, signal, update and query that crosses the workflow boundary, with its
 * types. The worker, the HTTP server, the Slack app and the CLI import these and never a
 * workflow body. Names here are part of recorded histories: never rename one.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Phase, ResolvedPlaybook, Severity } from '../engine/playbook-types.js';

/** The task queue the Warden worker polls. */
export const TASK_QUEUE = 'warden';

// ── smoke ───────────────────────────────────────────────────────────────────
export interface SmokeInput {
  /** Echoed back through an activity, end to end. */
  readonly message: string;
  /** Wait for `smokeRelease` before finishing (used to prove durability across restarts). */
  readonly holdForRelease?: boolean;
  /** Sleep on a durable timer before finishing. */
  readonly sleepMs?: number;
}

export interface SmokeResult {
  readonly message: string;
  readonly echoedBy: string;
  readonly workflowId: string;
  readonly released: boolean;
  readonly sleptMs: number;
}

export type SmokeStage = 'echoing' | 'sleeping' | 'holding' | 'done';

export const smokeRelease = defineSignal('smoke.release');
export const smokeStage = defineQuery<SmokeStage>('smoke.stage');

/** Workflow id prefix for smoke runs. */
export const SMOKE_WORKFLOW_PREFIX = 'smoke-';

// ── incidents ───────────────────────────────────────────────────────────────

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
    readonly github_login?: string;
    readonly ip?: string;
  };
  readonly labels?: Readonly<Record<string, string>>;
  readonly details?: Readonly<Record<string, unknown>>;
  /** Set by Warden when the alert is received. */
  readonly received_at?: string;
  /** Set by Warden per received alert; the signal that accompanies a start carries the same id. */
  readonly alert_id?: string;
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
  /** State carried over by continue-as-new. */
  readonly carried?: IncidentState;
}

export const INCIDENT_WORKFLOW_PREFIX = 'incident-';
export const incidentWorkflowId = (incidentId: string): string => `${INCIDENT_WORKFLOW_PREFIX}${incidentId}`;

export type IncidentStatus = 'open' | 'awaiting-approval' | 'contained' | 'recovered' | 'closed' | 'failed' | 'cancelled';
export type StepStatus =
  | 'pending'
  | 'skipped'
  | 'awaiting-approval'
  | 'running'
  | 'succeeded'
  | 'planned'
  | 'rejected'
  | 'failed'
  | 'cancelled';

export type ApprovalPath = 'slack' | 'api' | 'cli';

export interface Approver {
  /** The identity (from the directory), never a display name. */
  readonly id: string;
  readonly groups: readonly string[];
}

export interface ApprovalDecision {
  readonly stepId: string;
  readonly decision: 'approve' | 'reject';
  readonly approver: Approver;
  readonly via: ApprovalPath;
  readonly reason?: string;
}

export interface ApprovalVote {
  readonly approver: string;
  readonly decision: 'approve' | 'reject';
  readonly via: ApprovalPath;
  readonly at: string;
  readonly reason?: string;
}

export interface ApprovalRecord {
  readonly groups: readonly string[];
  /** The escalation chain; the first `escalationLevel` of these may approve too. */
  readonly escalation: readonly string[];
  readonly quorum: number;
  readonly fourEyes: boolean;
  readonly requester: string;
  readonly requestedAt: string;
  deadline: string;
  escalationLevel: number;
  announced: boolean;
  remindersSent: string[];
  votes: ApprovalVote[];
  outcome?: 'approved' | 'rejected' | 'timeout-rejected' | 'timeout-approved' | 'not-needed-dry-run' | 'cancelled';
  decidedAt?: string;
  /** The Slack message that shows this approval, re-rendered in place as it changes. */
  slack?: { readonly channel: string; readonly ts: string };
}

export interface UndoRecord {
  readonly action: string;
  status: 'succeeded' | 'planned' | 'failed';
  readonly at: string;
  readonly output?: unknown;
  readonly error?: string;
}

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
  error?: { readonly message: string; readonly type?: string };
  approval?: ApprovalRecord;
  undo?: UndoRecord;
}

export interface IncidentNote {
  readonly by: string;
  readonly text: string;
  readonly at: string;
}

export interface TimelineEntry {
  readonly at: string;
  readonly event: string;
  readonly by?: string;
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
  notes: IncidentNote[];
  timeline: TimelineEntry[];
  times: {
    detectedAt: string;
    createdAt: string;
    firstHumanActionAt?: string;
    containedAt?: string;
    eradicatedAt?: string;
    recoveredAt?: string;
    closedAt?: string;
  };
  cancel?: { readonly by: string; readonly reason: string; readonly rollback: boolean; readonly at: string };
  failure?: { readonly stepId: string; readonly message: string };
  runs: number;
}

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

/** Search attributes for listing incidents; registered on the dev server by Warden. */
export const SA_STATUS = defineSearchAttributeKey('WardenStatus', SearchAttributeType.KEYWORD);
export const SA_SEVERITY = defineSearchAttributeKey('WardenSeverity', SearchAttributeType.KEYWORD);
export const SA_PLAYBOOK = defineSearchAttributeKey('WardenPlaybook', SearchAttributeType.KEYWORD);
export const SA_PHASE = defineSearchAttributeKey('WardenPhase', SearchAttributeType.KEYWORD);
/** name → type, as `temporal server start-dev --search-attribute` and `temporal operator search-attribute create` take them. */
export const SEARCH_ATTRIBUTES: Readonly<Record<string, 'Keyword'>> = {
  WardenStatus: 'Keyword',
  WardenSeverity: 'Keyword',
  WardenPlaybook: 'Keyword',
  WardenPhase: 'Keyword',
};

// ── offboarding ─────────────────────────────────────────────────────────────
// Everything below belongs to the offboarding workflow (workflows/offboarding.ts).
import type { Person } from './directory.js';

export const OFFBOARDING_WORKFLOW_PREFIX = 'offboarding-';
export const offboardingWorkflowId = (personId: string): string => `${OFFBOARDING_WORKFLOW_PREFIX}${personId}`;
/** Days between revocation and deletion of the IAM users, unless the request says otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;

/** Who gets the report and the escalations: security (and the manager, added by the trigger). */
export interface OffboardingNotify {
  readonly email?: readonly string[];
  readonly slackChannel?: string;
}

/** Overrides of the activity retry policy and timeout for every item of one offboarding. */
export interface OffboardingActivityPolicy {
  readonly maxAttempts?: number;
  readonly initialInterval?: string;
  readonly maxInterval?: string;
  readonly backoff?: number;
  /** Start-to-close timeout of one attempt, e.g. "2m". */
  readonly timeout?: string;
}

export interface OffboardingInput {
  readonly personId: string;
  /** Resolved from the directory by the trigger, before the workflow starts. */
  readonly person: Person;
  readonly reason: string;
  readonly requestedBy: string;
  /** ISO 8601; revocation waits for it on a durable timer. Absent: now. */
  readonly effectiveAt?: string;
  readonly dryRun: boolean;
  /** Days to keep the IAM users after revocation (default DEFAULT_RETENTION_DAYS; fractions allowed). */
  readonly retentionDays?: number;
  readonly notify: OffboardingNotify;
  readonly policy?: OffboardingActivityPolicy;
  readonly limits?: { readonly continueAsNewAfterEvents?: number };
  /** State carried over by continue-as-new. */
  readonly carried?: OffboardingState;
}

export type OffboardingPhase = 'scheduled' | 'revoking' | 'notifying' | 'retention' | 'done' | 'cancelled';
export type OffboardingProvider = 'aws' | 'github' | 'mlflow';
/** retrying: an operator asked for another run; escalated: waiting for an operator to retry or waive. */
export type OffboardingItemStatus = 'pending' | 'running' | 'done' | 'planned' | 'escalated' | 'retrying' | 'waived';

/** One credential (or one set of them) and what was done about it. */
export interface OffboardingItem {
  /** Stable within the offboarding, e.g. aws/123456789012/alice/access-key/AKIA…/delete. */
  readonly id: string;
  readonly provider: OffboardingProvider;
  readonly stage: 'revoke' | 'retention';
  /** The credential, in words. */
  readonly credential: string;
  /** The catalog action, or `manual` for what Warden cannot do itself. */
  readonly action: string;
  readonly params: Readonly<Record<string, unknown>>;
  status: OffboardingItemStatus;
  outcome?: 'changed' | 'already' | 'planned';
  plan?: readonly string[];
  before?: unknown;
  after?: unknown;
  output?: unknown;
  startedAt?: string;
  finishedAt?: string;
  /** How many times the action ran to its end (1, plus one per operator retry). */
  runs: number;
  error?: { readonly message: string; readonly type?: string };
  escalatedAt?: string;
  retries: { readonly by: string; readonly at: string }[];
  waiver?: { readonly by: string; readonly reason: string; readonly at: string };
}

export interface OffboardingProviderProgress {
  status: 'pending' | 'running' | 'escalated' | 'done' | 'planned';
  total: number;
  done: number;
  planned: number;
  waived: number;
  escalated: number;
  open: number;
}

export interface EvidenceRef {
  readonly key: string;
  readonly uri: string;
  readonly sha256: string;
}

export interface OffboardingReportRecord {
  readonly stage: 'revocation' | 'final';
  readonly generatedAt: string;
  readonly json: EvidenceRef;
  readonly markdown: EvidenceRef;
}

export interface OffboardingNotification {
  readonly purpose: string;
  readonly channel: 'email' | 'slack';
  readonly status: 'sent' | 'already' | 'planned' | 'failed';
  readonly at: string;
  readonly detail?: string;
}

export interface LegalHoldChange {
  readonly hold: boolean;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
}

export type RetentionStatus = 'pending' | 'waiting' | 'held' | 'deleting' | 'deleted' | 'waived' | 'planned' | 'not-applicable' | 'cancelled';

export interface OffboardingState {
  readonly personId: string;
  readonly person: Person;
  readonly reason: string;
  readonly requestedBy: string;
  readonly dryRun: boolean;
  readonly retentionDays: number;
  readonly notify: OffboardingNotify;
  /** The first run's id: tells apart two offboardings of the same person in evidence keys. */
  readonly runTag: string;
  phase: OffboardingPhase;
  times: { createdAt: string; effectiveAt?: string; revocationStartedAt?: string; revokedAt?: string; notifiedAt?: string; completedAt?: string };
  /** Progress per provider, recomputed from the items on every read. */
  providers: Partial<Record<OffboardingProvider, OffboardingProviderProgress>>;
  items: OffboardingItem[];
  legalHold: { active: boolean; changes: LegalHoldChange[] };
  retention: { status: RetentionStatus; dueAt?: string; finishedAt?: string };
  reports: OffboardingReportRecord[];
  notifications: OffboardingNotification[];
  cancel?: { readonly by: string; readonly reason: string; readonly at: string };
  timeline: TimelineEntry[];
  runs: number;
}

export interface OffboardingCancelRequest {
  readonly by: string;
  readonly reason: string;
}

/** No item: every escalated item. */
export interface OffboardingRetryRequest {
  readonly by: string;
  readonly item?: string;
}

export interface OffboardingWaiveRequest {
  readonly by: string;
  readonly item: string;
  readonly reason: string;
}

export interface LegalHoldRequest {
  readonly hold: boolean;
  readonly by: string;
  readonly reason: string;
}

export const offboardingStateQuery = defineQuery<OffboardingState>('offboarding.state');
/** Only while waiting for the effective time. */
export const offboardingCancelUpdate = defineUpdate<OffboardingPhase, [OffboardingCancelRequest]>('offboarding.cancel');
/** Runs escalated items again; answers the ids retried. */
export const offboardingRetryUpdate = defineUpdate<string[], [OffboardingRetryRequest]>('offboarding.retry');
/** Accepts an escalated item as handled by a person, with the reason on record. */
export const offboardingWaiveUpdate = defineUpdate<OffboardingItem, [OffboardingWaiveRequest]>('offboarding.waive');
/** Sets or lifts the legal hold that keeps the IAM users past the retention period. */
export const offboardingLegalHoldUpdate = defineUpdate<OffboardingState['legalHold'], [LegalHoldRequest]>('offboarding.legalHold');

// ── access reviews ──────────────────────────────────────────────────────────
// Everything below belongs to the review campaign (workflows/review-campaign.ts), its shards and
// one reviewer workflow per reviewer (workflows/review-reviewer.ts).
import type { DecisionValue, DecisionVia, FindingKind, ItemDecision, OnSilence, ReviewSystem } from './review-types.js';

export const REVIEW_WORKFLOW_PREFIX = 'review-';
export const reviewCampaignWorkflowId = (campaignId: string): string => `${REVIEW_WORKFLOW_PREFIX}${campaignId}`;
export const reviewShardWorkflowId = (campaignId: string, shard: number): string => `${REVIEW_WORKFLOW_PREFIX}${campaignId}--shard-${shard}`;
export const reviewerWorkflowId = (campaignId: string, reviewer: string): string => `${REVIEW_WORKFLOW_PREFIX}${campaignId}--reviewer-${reviewer}`;
/** The id of the quarterly Schedule `warden review schedule` creates or updates. */
export const REVIEW_SCHEDULE_ID = 'warden-access-review';

/** Durations of one campaign; from the settings (days) unless a test or an operator overrides them. */
export interface ReviewTiming {
  readonly deadlineMs: number;
  readonly graceMs: number;
  /** Before the deadline, one reminder each, e.g. 7, 3 and 1 days. */
  readonly remindersMs: readonly number[];
}

/** Generate a large organization instead of (or as well as) reading providers: tests and benchmarks. */
export interface SyntheticSpec {
  readonly entitlements: number;
  readonly reviewers: number;
  readonly seed?: number;
}

export interface ReviewCampaignInput {
  /** Default: the workflow id without its `review-` prefix (a Schedule's run gets a timestamped id). */
  readonly campaignId?: string;
  /** Systems to collect; default every configured one. */
  readonly scope?: readonly ReviewSystem[];
  readonly dryRun: boolean;
  readonly requestedBy: string;
  readonly timing?: Partial<ReviewTiming>;
  readonly synthetic?: SyntheticSpec;
  readonly limits?: {
    /** Continue-as-new once the history holds this many events (default 5,000). */
    readonly continueAsNewAfterEvents?: number;
    /** Reviewers per shard workflow (default 500). */
    readonly shardSize?: number;
    /** A reviewer workflow continues-as-new past this many events (default 4,000). */
    readonly reviewerContinueAsNewAfterEvents?: number;
  };
  /** Set by continue-as-new only. */
  readonly carried?: CampaignState;
}

export type CampaignPhase = 'collecting' | 'reviewing' | 'awaiting-approval' | 'enforcing' | 'reporting' | 'done';

export interface CampaignCounts {
  entitlements: number;
  flagged: number;
  findings: Record<FindingKind, number>;
  reviewers: number;
  decided: number;
  kept: number;
  revoked: number;
  keptOnSilence: number;
  revokedOnSilence: number;
  /** Items left unreviewed and kept because they are listed as exceptions. */
  exceptionsKept: number;
  enforced: number;
  alreadyRevoked: number;
  enforcementFailed: number;
  offboardingsStarted: number;
}

export interface CampaignSourceProgress {
  cursor?: string;
  done: boolean;
  batches: number;
}

export interface CampaignEvidence {
  readonly name: string;
  readonly uri: string;
  readonly sha256: string;
}

export interface CampaignState {
  readonly campaignId: string;
  /** The first run's id (stable across continue-as-new). */
  readonly firstRunId: string;
  phase: CampaignPhase;
  readonly dryRun: boolean;
  readonly requestedBy: string;
  scope: ReviewSystem[];
  readonly startedAt: string;
  deadline?: string;
  closedAt?: string;
  timing?: ReviewTiming;
  onSilence?: OnSilence;
  counts: CampaignCounts;
  sources: Partial<Record<ReviewSystem, CampaignSourceProgress>>;
  shards: { total: number; done: number };
  /** Reviewers whose revocations are carried out, in the store's order. */
  enforcedReviewers: number;
  approval?: { readonly group: string; decision?: { approved: boolean; by: string; at: string; reason?: string } };
  /** Reviewer workflows that failed: their items have no decision and nothing of theirs is enforced. */
  failedReviewers?: { count: number; examples: { reviewer: string; error: string }[] };
  /** Fraction of items decided by a person (0-1), once reviewing is over. */
  completionRate?: number;
  evidence: CampaignEvidence[];
  /** Why the evidence pack could not be written, when it could not (the items, decisions and enforcement stay in the review store). */
  evidenceError?: string;
  /** The largest history length seen in this campaign's own runs. */
  maxHistoryLength: number;
  timeline: { at: string; event: string; by?: string }[];
}

export interface ReviewApprovalRequest {
  readonly by: string;
  /** The caller's groups, as the server authenticated them. */
  readonly groups: readonly string[];
  readonly approve: boolean;
  readonly reason?: string;
}

export const reviewCampaignStateQuery = defineQuery<CampaignState>('review.state');
/** The campaign's one approval of its revocations (only when the settings name an approval group). */
export const reviewApproveUpdate = defineUpdate<NonNullable<CampaignState['approval']>, [ReviewApprovalRequest]>('review.approve');

/** The shard workflow: starts and awaits the reviewer workflows of one page of reviewers. */
export interface ReviewShardInput {
  readonly campaignId: string;
  readonly offset: number;
  readonly limit: number;
  readonly reviewer: Omit<ReviewerInput, 'reviewer' | 'carried'>;
}

export interface ReviewerSummary {
  readonly reviewer: string;
  readonly items: number;
  readonly decided: number;
  readonly kept: number;
  readonly revoked: number;
  readonly keptOnSilence: number;
  readonly revokedOnSilence: number;
  readonly exceptionsKept: number;
  readonly escalated: boolean;
  readonly maxHistoryLength: number;
}

export type ShardSummary = Omit<ReviewerSummary, 'reviewer' | 'escalated'> & {
  readonly reviewers: number;
  readonly escalated: number;
  /** Reviewer workflows that failed (their items have no decision), with why: at most 20 listed. */
  readonly failed?: { readonly count: number; readonly examples: readonly { readonly reviewer: string; readonly error: string }[] };
};

export interface ReviewerInput {
  readonly campaignId: string;
  /** The reviewer's person id. */
  readonly reviewer: string;
  readonly dryRun: boolean;
  /** ISO time of the deadline; the grace period runs after it. */
  readonly deadline: string;
  readonly graceMs: number;
  readonly remindersMs: readonly number[];
  readonly onSilence: OnSilence;
  /** Continue-as-new once the history holds this many events (default 4,000). */
  readonly continueAsNewAfterEvents?: number;
  readonly carried?: ReviewerState;
}

/** One of the reviewer's items, as the reviewer workflow keeps it (the full record stays in the store). */
export interface ReviewerItem {
  readonly id: string;
  readonly flagged: boolean;
  /** The exception's reason when the item is listed as an exception. */
  readonly exception?: string;
  /** The person holding the entitlement: they may never decide it, even as the escalation manager. */
  readonly person?: string;
}

export type ReviewerPhase = 'open' | 'escalated' | 'grace' | 'closed';

export interface ReviewerState {
  readonly campaignId: string;
  readonly reviewer: string;
  phase: ReviewerPhase;
  readonly openedAt: string;
  readonly deadline: string;
  /** When reminders go out: those of the configured offsets still ahead when the review opened. */
  readonly reminderTimes: readonly string[];
  /** The reviewer's manager, for the escalation at the deadline. */
  manager?: string;
  /** The manager the review was escalated to: they may decide too. */
  escalatedTo?: string;
  items: ReviewerItem[];
  decisions: Record<string, ItemDecision>;
  remindersSent: number;
  /** The largest history length of this review's runs so far (it may continue-as-new). */
  maxHistoryLength?: number;
  /** No Slack id or email reaches the reviewer: no message, reminder or close note is attempted. */
  unreachable?: boolean;
  /** The Slack message listing the items, once posted. */
  message?: { readonly channel: string; readonly ts: string };
  timeline: { at: string; event: string; by?: string }[];
}

export interface ReviewDecideRequest {
  /** The deciding person's id, as the server or the Slack app authenticated them. */
  readonly by: string;
  readonly via: Exclude<DecisionVia, 'silence'>;
  readonly decisions?: readonly { readonly item: string; readonly decision: DecisionValue; readonly reason?: string }[];
  /** Keep every unflagged item not decided yet. */
  readonly keepAllUnflagged?: boolean;
}

export interface ReviewDecideResult {
  readonly applied: number;
  readonly remaining: number;
}

export const reviewerStateQuery = defineQuery<ReviewerState>('review.reviewer.state');
/** A reviewer's (or, once escalated, their manager's) decisions on their own items. */
export const reviewDecideUpdate = defineUpdate<ReviewDecideResult, [ReviewDecideRequest]>('review.decide');
