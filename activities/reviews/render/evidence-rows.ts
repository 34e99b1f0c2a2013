/**
 * One row of a campaign's evidence pack: an entitlement joined with its reviewer's decision and
 * what enforcement did with it, plus the tallies the report and the notifications show. Pure.
 */
import { ASSET_IDS, FINDING_KINDS } from '../../../contracts/review-types.js';
import type { EnforcementRecord, EnforcementStatus, FindingKind, ItemDecision, ReviewItem } from '../../../contracts/review-types.js';
import type { CampaignState } from '../../../contracts/reviews.js';

export interface EvidenceRow {
  readonly item: ReviewItem;
  /** Absent when the reviewer's workflow recorded no decision for it (not closed, or a dry run). */
  readonly decision?: ItemDecision;
  /** Absent unless enforcement handled the item (only revoked items are enforced). */
  readonly enforcement?: EnforcementRecord;
}

/** One reviewer's items joined by item id with their decisions and enforcement, sorted by item id. */
export function joinReviewer(items: readonly ReviewItem[], decisions: readonly ItemDecision[] | undefined, enforcement: readonly EnforcementRecord[] | undefined): EvidenceRow[] {
  const decided = new Map((decisions ?? []).map((d) => [d.itemId, d]));
  const enforced = new Map((enforcement ?? []).map((e) => [e.itemId, e]));
  return [...items]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((item) => {
      const decision = decided.get(item.id);
      const record = enforced.get(item.id);
      return { item, ...(decision ? { decision } : {}), ...(record ? { enforcement: record } : {}) };
    });
}

export const isFlagged = (r: EvidenceRow): boolean => r.item.findings.length > 0;
export const isRevoked = (r: EvidenceRow): boolean => r.decision?.decision === 'revoke';
export const isRevokedOnSilence = (r: EvidenceRow): boolean => isRevoked(r) && r.decision?.via === 'silence';
export const enforcementFailed = (r: EvidenceRow): boolean => r.enforcement?.status === 'failed';

/** The asset levels an entitlement grants, in the matrix's asset order: `model_code=Read/Write`. */
export function grantsList(item: ReviewItem): string[] {
  return ASSET_IDS.flatMap((asset) => (item.grants[asset] ? [`${asset}=${item.grants[asset]}`] : []));
}

/**
 * The row as JSON, fields in a fixed order (never the stored record's order), absent values left
 * out: one line of evidence.json.
 */
export function jsonRow(r: EvidenceRow): string {
  const i = r.item;
  const grants: Record<string, string> = {};
  for (const asset of ASSET_IDS) if (i.grants[asset]) grants[asset] = i.grants[asset];
  const d = r.decision;
  const e = r.enforcement;
  return JSON.stringify({
    id: i.id,
    system: i.system,
    account: i.account,
    subject: i.subject,
    person: i.personId,
    kind: i.kind,
    resource: i.resource,
    permission: i.permission,
    grantedVia: i.grantedVia,
    lastUsed: i.lastUsed,
    createdAt: i.createdAt,
    grants,
    findings: i.findings.map((f) => ({ kind: f.kind, detail: f.detail })),
    reviewer: i.reviewer,
    reviewerBasis: i.reviewerBasis,
    exception: i.exception,
    context: i.context,
    decision: d ? { decision: d.decision, by: d.by, at: d.at, via: d.via, reason: d.reason } : undefined,
    enforcement: e ? { action: e.action, status: e.status, plan: [...e.plan], at: e.at, error: e.error } : undefined,
  });
}

export const ENFORCEMENT_STATUSES: readonly EnforcementStatus[] = ['changed', 'already', 'planned', 'failed', 'offboarding', 'not-configured'];

/** What the pack holds, counted from its rows. */
export interface EvidenceTally {
  rows: number;
  flagged: number;
  findings: Record<FindingKind, number>;
  /** Decided by a person (Slack, API or CLI). */
  decidedByPerson: number;
  keptByPerson: number;
  revokedByPerson: number;
  keptOnSilence: number;
  revokedOnSilence: number;
  /** Kept on silence because the item is listed as an exception. */
  exceptionsKept: number;
  /** No decision recorded. */
  undecided: number;
  enforcement: Record<EnforcementStatus, number>;
}

export function emptyTally(): EvidenceTally {
  return {
    rows: 0,
    flagged: 0,
    findings: Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>,
    decidedByPerson: 0,
    keptByPerson: 0,
    revokedByPerson: 0,
    keptOnSilence: 0,
    revokedOnSilence: 0,
    exceptionsKept: 0,
    undecided: 0,
    enforcement: Object.fromEntries(ENFORCEMENT_STATUSES.map((s) => [s, 0])) as Record<EnforcementStatus, number>,
  };
}

export function addToTally(t: EvidenceTally, r: EvidenceRow): void {
  t.rows += 1;
  if (isFlagged(r)) t.flagged += 1;
  for (const kind of new Set(r.item.findings.map((f) => f.kind))) t.findings[kind] = (t.findings[kind] ?? 0) + 1;
  const d = r.decision;
  if (!d) t.undecided += 1;
  else if (d.via !== 'silence') {
    t.decidedByPerson += 1;
    if (d.decision === 'keep') t.keptByPerson += 1;
    else t.revokedByPerson += 1;
  } else if (d.decision === 'revoke') t.revokedOnSilence += 1;
  else if (r.item.exception) t.exceptionsKept += 1;
  else t.keptOnSilence += 1;
  if (r.enforcement) t.enforcement[r.enforcement.status] = (t.enforcement[r.enforcement.status] ?? 0) + 1;
}

/** Fraction of the rows decided by a person (0-1); undefined for an empty campaign. */
export const completionOf = (t: EvidenceTally): number | undefined => (t.rows ? t.decidedByPerson / t.rows : undefined);

/** A percentage with one decimal, or `n/a`. */
export const percent = (rate: number | undefined): string => (rate === undefined ? 'n/a' : `${(rate * 100).toFixed(1)}%`);

/** The campaign as evidence.json and the report describe it: from the workflow's state, never the clock. */
export interface CampaignSummary {
  readonly id: string;
  readonly requestedBy: string;
  readonly dryRun: boolean;
  readonly scope: readonly string[];
  readonly startedAt: string;
  readonly deadline?: string;
  readonly closedAt?: string;
  readonly onSilence?: CampaignState['onSilence'];
  readonly approval?: CampaignState['approval'];
  readonly counts: CampaignState['counts'];
  readonly completionRate?: number;
}

export function campaignSummary(state: CampaignState): CampaignSummary {
  return {
    id: state.campaignId,
    requestedBy: state.requestedBy,
    dryRun: state.dryRun,
    scope: [...state.scope],
    startedAt: state.startedAt,
    ...(state.deadline ? { deadline: state.deadline } : {}),
    ...(state.closedAt ? { closedAt: state.closedAt } : {}),
    ...(state.onSilence ? { onSilence: state.onSilence } : {}),
    ...(state.approval ? { approval: state.approval } : {}),
    counts: state.counts,
    ...(state.completionRate !== undefined ? { completionRate: state.completionRate } : {}),
  };
}
