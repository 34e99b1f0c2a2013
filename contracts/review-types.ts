/**
 * The vocabulary of access reviews: normalized entitlements, findings, decisions and the review
 * settings. Plain data only: these cross into workflow inputs, histories and the evidence pack.
 */

export const REVIEW_SYSTEMS = ['aws', 'github', 'synthetic'] as const;
export type ReviewSystem = (typeof REVIEW_SYSTEMS)[number];

/** The seed's assets, by id (titles live in policy/access-matrix.yaml). */
export const ASSET_IDS = ['training_data', 'model_code', 'production_models', 'inference_api'] as const;
export type AssetId = (typeof ASSET_IDS)[number];

/**
 * The seed's access levels. They form a partial order: None is below everything, Admin above
 * everything, Read/Write covers Read; Read and Execute do not cover each other.
 */
export const ACCESS_LEVELS = ['None', 'Read', 'Execute', 'Read/Write', 'Admin'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export const FINDING_KINDS = ['exceeds_role', 'unused', 'stale_key', 'orphaned', 'external_collaborator'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  readonly kind: FindingKind;
  /** One sentence a reviewer can act on, e.g. "grants Admin on Production Models; data-scientist allows Read". */
  readonly detail: string;
}

export type EntitlementKind =
  | 'iam-group'
  | 'iam-managed-policy'
  | 'iam-inline-policy'
  | 'iam-access-key'
  | 'iam-login-profile'
  | 'github-org-membership'
  | 'github-team'
  | 'github-repo'
  | 'github-outside-collaborator'
  | 'github-pat-grant'
  | 'synthetic-grant'
  /** An asset-level grant the AI inventory discovered (resource = the inventory asset id). */
  | 'inventory-access';

/** One entitlement, normalized: who (subject) holds what (resource, permission) where (system, account). */
export interface Entitlement {
  /** Stable across campaigns: `<system>:<account>:<subject>:<kind>:<resource>`. */
  readonly id: string;
  readonly system: ReviewSystem;
  /** AWS account id or alias, GitHub organization, synthetic organization. */
  readonly account: string;
  /** The account holding it: IAM user name, GitHub login. */
  readonly subject: string;
  readonly kind: EntitlementKind;
  /** Group name, policy ARN or name, access key id, team slug, `owner/repo`, grant id. */
  readonly resource: string;
  /** member, attached, inline, Active/Inactive, admin/member, pull/push/maintain/admin… */
  readonly permission: string;
  /** ISO time of last use; absent when the system does not say. */
  readonly lastUsed?: string;
  /** ISO time the entitlement (or the credential) was created, when known. */
  readonly createdAt?: string;
  /** `direct`, `group:<name>`, `team:<slug>`, `org-role`, `invitation`… */
  readonly grantedVia: string;
  /**
   * Warden's own controls on the holder, shown beside this entitlement and never reviewed as
   * entitlements (revoking WardenQuarantine would lift a quarantine): e.g. "quarantined by Warden".
   */
  readonly context?: readonly string[];
}

export type ReviewerBasis = 'owner' | 'manager' | 'fallback';

/** An entitlement after evaluation: its findings, the asset levels it grants, and its reviewer. */
export interface ReviewItem extends Entitlement {
  /** The directory person holding the subject; absent when orphaned. */
  readonly personId?: string;
  readonly findings: readonly Finding[];
  /** What the entitlement grants per asset, from the mapping file (empty when no rule matches). */
  readonly grants: Readonly<Partial<Record<AssetId, AccessLevel>>>;
  /** The reviewer's person id: never the subject's person. */
  readonly reviewer: string;
  readonly reviewerBasis: ReviewerBasis;
  /** Listed in the settings' exceptions: never revoked on silence. */
  readonly exception?: string;
}

export type DecisionValue = 'keep' | 'revoke';
export type DecisionVia = 'slack' | 'api' | 'cli' | 'console' | 'silence';

export interface ItemDecision {
  readonly itemId: string;
  readonly decision: DecisionValue;
  /** The person who decided, or `policy:<on-silence>` when the deadline decided. */
  readonly by: string;
  readonly at: string;
  readonly via: DecisionVia;
  readonly reason?: string;
}

export type EnforcementStatus = 'changed' | 'already' | 'planned' | 'failed' | 'offboarding' | 'not-configured';

/** What enforcement did for one revoked item. */
export interface EnforcementRecord {
  readonly itemId: string;
  /** The provider action, e.g. `aws.removeFromGroups`, or `offboarding` for an orphan routed there. */
  readonly action: string;
  readonly status: EnforcementStatus;
  readonly plan: readonly string[];
  readonly at: string;
  readonly error?: string;
}

export type OnSilence = 'keep' | 'revoke' | 'revoke-flagged';

/** The `reviews:` section of warden.yaml, parsed (config/reviews.ts). */
export interface ReviewSettings {
  /** Where access-matrix.yaml and entitlement-map.yaml live. */
  readonly policyDir: string;
  /** Who reviews an item by default: the resource's owner (falling back to the manager) or the subject's manager. */
  readonly reviewer: 'owner' | 'manager';
  /** Resource owners: the first rule whose globs match names the owner. */
  readonly owners: readonly { readonly system?: ReviewSystem; readonly resource: string; readonly person: string }[];
  /** Tried in order when no owner or manager applies, or when that would be the subject. */
  readonly fallbackReviewers: readonly string[];
  readonly deadlineDays: number;
  readonly graceDays: number;
  /** Days before the deadline a reminder goes out, e.g. [7, 3, 1]. */
  readonly reminderDays: readonly number[];
  readonly onSilence: OnSilence;
  /** Items never revoked on silence (globs; every given field must match). */
  readonly exceptions: readonly { readonly system?: ReviewSystem; readonly subject?: string; readonly resource?: string; readonly reason: string }[];
  /** When set, one approval by a member of this group gates every revocation of a campaign. */
  readonly approvalGroup?: string;
  /** Where the evidence pack goes. */
  readonly compliance: { readonly email: readonly string[]; readonly slackChannel?: string };
  /** Route orphaned accounts revoked by a review to an offboarding of the account. */
  readonly offboardOrphans: boolean;
  /** The Temporal Schedule: a cron expression (default quarterly) and its time zone. */
  readonly schedule: { readonly cron: string; readonly timezone: string };
  /** IAM users per collection batch. */
  readonly awsBatchUsers: number;
}
