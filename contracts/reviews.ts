/** The access-review workflows' contract: campaign, shard and reviewer. Names here are part of recorded histories: never rename one. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CompactDecisions } from './review-compact.js';
// Everything below belongs to the review campaign (workflows/review-campaign.ts), its shards and
// one reviewer workflow per reviewer (workflows/review-reviewer.ts).
import type { DecisionValue, DecisionVia, FindingKind, ItemDecision, OnSilence, ReviewSystem } from './review-types.js';

export const REVIEW_WORKFLOW_PREFIX = 'review-';
/** A campaign id or a batch id as one safe path or object-key segment (schedule run ids carry ":"). */
export const safeSegment = (id: string): string => id.replace(/[^A-Za-z0-9._-]/g, '_');
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
  /** The last run's state; with `carriedDecisions`, without its items and decisions (the next run reloads the items and reads the decisions by position). */
  readonly carried?: ReviewerState;
  readonly carriedDecisions?: CompactDecisions;
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
