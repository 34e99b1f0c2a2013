/**
 * The approval part of the incident's contract: a decision as Slack, the API and the CLI send it
 * (signed by the server), the record a step's approval keeps, and the record of an undo. Names
 * here are part of recorded histories: never rename one.
 */
import type { ObservedState } from './observed.js';

export type ApprovalPath = 'slack' | 'api' | 'cli' | 'console';

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
  /** The server's proof that the decision came through Warden's authenticated paths (contracts/approval-proof.ts). */
  readonly signature?: DecisionSignature;
}

export interface DecisionSignature {
  /** When the server signed it: a signature older than 5 minutes is refused. */
  readonly at: string;
  /** The plan the decider was shown (the record's planDigest). */
  readonly planDigest: string;
  /** Ed25519 over the canonical decision, hex. */
  readonly sig: string;
}

/** The embedded default's admin token: a shared credential, not a named person (never a second person). */
export const LOCAL_ADMIN_ID = 'local-admin';

export interface ApprovalVote {
  readonly approver: string;
  /** The approver's groups when they voted (an `allOf` approval needs a distinct person per group). */
  readonly groups?: readonly string[];
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
  /** sha256 of the plan (action, resolved params, playbook version): votes count for this plan only. */
  readonly planDigest?: string;
  /** Distinct named people who must approve (2 under four-eyes when an alert, not a person, requested it). */
  readonly minPeople?: number;
  /** Groups that must each approve, each through a different person (AND across groups). */
  readonly allOf?: readonly string[];
  /** The step's action is destructive: approving it needs a reason. */
  readonly destructive?: boolean;
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

/**
 * A cancel with rollback asks for an approval before undoing a step: it shows as its own entry in
 * the incident's steps, `undo_<step id>`, decided through the same approval Update. Playbook step
 * ids never start with `undo_`.
 */
export const ROLLBACK_STEP_PREFIX = 'undo_';
export const rollbackStepId = (stepId: string): string => `${ROLLBACK_STEP_PREFIX}${stepId}`;

export interface UndoRecord {
  readonly action: string;
  /** `denied`: the rollback's approval was refused or timed out, so the step stays as it was applied. */
  status: 'succeeded' | 'planned' | 'failed' | 'denied';
  readonly at: string;
  readonly output?: unknown;
  /** What the undo's peer held before it and read back after (absent for actions that change no peer). */
  readonly observed?: ObservedState;
  readonly error?: string;
}
