/** The offboarding workflow's contract (`offboarding-<person>`). Names here are part of recorded histories: never rename one. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { TimelineEntry } from './timeline.js';
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
  /**
   * A second person, neither the requester nor the subject, approves (offboarding.approve) before
   * anything is revoked. Absent: no approval (an incident's approved step; histories before it).
   */
  readonly requiresApproval?: boolean;
  /** The server's decision-signing public key (hex): when set, only approvals it signed are accepted. */
  readonly decisionKey?: string;
  /** Days to keep the IAM users after revocation (default DEFAULT_RETENTION_DAYS; fractions allowed). */
  readonly retentionDays?: number;
  readonly notify: OffboardingNotify;
  readonly policy?: OffboardingActivityPolicy;
  readonly limits?: { readonly continueAsNewAfterEvents?: number };
  /** State carried over by continue-as-new. */
  readonly carried?: OffboardingState;
}

export type OffboardingPhase = 'scheduled' | 'revoking' | 'notifying' | 'retention' | 'done' | 'cancelled';
/** `warden`: the leaver's own Warden access (API tokens), revoked first. */
export type OffboardingProvider = 'warden' | 'aws' | 'github' | 'mlflow';
/**
 * The memo key an offboarding sets once it has revoked the leaver's Warden access: the API's
 * auth refuses every identity of that person (by id or email) from then on.
 */
export const WARDEN_ACCESS_REVOKED_MEMO = 'wardenAccessRevoked';
export interface WardenAccessRevoked {
  readonly person: string;
  readonly email: string;
  readonly at: string;
}
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

/** Counts by item verdict (contracts/offboarding-view.ts); inventory reads are not counted. */
export interface OffboardingProviderProgress {
  status: 'pending' | 'running' | 'escalated' | 'done' | 'planned';
  /** The sum of the counts below (not `done`). */
  total: number;
  revoked: number;
  nothingToDo: number;
  /** revoked + nothingToDo. */
  done: number;
  /** A dry run's would-revoke and would-ask. */
  planned: number;
  /** A dry run's would-fail. */
  wouldFail: number;
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
  /** Present when a second person must approve: nothing is revoked until `approved` is set. */
  approval?: OffboardingApproval;
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

export interface OffboardingApproval {
  readonly required: true;
  approved?: { readonly by: string; readonly reason?: string; readonly at: string };
}

/** `by` is the approver's identity, `person` their person in the directory (when known). */
export interface OffboardingApproveRequest {
  readonly by: string;
  readonly person?: string;
  readonly reason?: string;
  /** The server's proof that the approval came through Warden (contracts/approval-proof.ts). */
  readonly signature?: { readonly at: string; readonly sig: string };
}

/** Brings a scheduled offboarding's effective time earlier (never later). */
export interface OffboardingRescheduleRequest {
  readonly by: string;
  /** ISO 8601, earlier than the current effective time. */
  readonly effectiveAt: string;
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
/** A second person's approval of a live offboarding: neither its requester nor its subject. */
export const offboardingApproveUpdate = defineUpdate<OffboardingApproval, [OffboardingApproveRequest]>('offboarding.approve');
/** Only while scheduled: a later request for an earlier time moves the effective time forward; answers it. */
export const offboardingRescheduleUpdate = defineUpdate<string, [OffboardingRescheduleRequest]>('offboarding.reschedule');
/** Sets or lifts the legal hold that keeps the IAM users past the retention period. */
export const offboardingLegalHoldUpdate = defineUpdate<OffboardingState['legalHold'], [LegalHoldRequest]>('offboarding.legalHold');
