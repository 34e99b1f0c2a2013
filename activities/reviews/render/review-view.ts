import type { DecisionValue, EntitlementKind, FindingKind, ReviewItem, ReviewSystem } from '../../../contracts/review-types.js';

/**
 * What a reviewer is shown about their items, in words, for both the Slack message and the
 * email digest: the order, one description per item, and the ways to decide outside Slack.
 * Plain text only: each renderer escapes for its own medium.
 */

export type DecisionMap = Readonly<Record<string, DecisionValue>>;

export const isFlagged = (item: ReviewItem): boolean => item.findings.length > 0;

/** Undecided before decided, flagged before unflagged, then by id: the order a reviewer works in. */
export function orderItems(items: readonly ReviewItem[], decisions: DecisionMap): ReviewItem[] {
  const rank = (i: ReviewItem) => (decisions[i.id] ? 2 : 0) + (isFlagged(i) ? 0 : 1);
  return [...items].sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface ReviewCounts {
  readonly total: number;
  readonly flagged: number;
  readonly undecided: number;
  readonly undecidedUnflagged: number;
  readonly kept: number;
  readonly revoked: number;
}

export function countItems(items: readonly ReviewItem[], decisions: DecisionMap): ReviewCounts {
  let flagged = 0;
  let undecided = 0;
  let undecidedUnflagged = 0;
  let kept = 0;
  let revoked = 0;
  for (const item of items) {
    const d = decisions[item.id];
    if (isFlagged(item)) flagged += 1;
    if (d === 'keep') kept += 1;
    else if (d === 'revoke') revoked += 1;
    else {
      undecided += 1;
      if (!isFlagged(item)) undecidedUnflagged += 1;
    }
  }
  return { total: items.length, flagged, undecided, undecidedUnflagged, kept, revoked };
}

const SYSTEM: Record<ReviewSystem, string> = { aws: 'AWS', github: 'GitHub', synthetic: 'Synthetic' };

const KIND: Record<EntitlementKind, string> = {
  'iam-group': 'IAM group',
  'iam-managed-policy': 'IAM managed policy',
  'iam-inline-policy': 'IAM inline policy',
  'iam-access-key': 'IAM access key',
  'iam-login-profile': 'console password',
  'github-org-membership': 'organization membership',
  'github-team': 'team',
  'github-repo': 'repository',
  'github-outside-collaborator': 'outside collaborator on',
  'github-pat-grant': 'fine-grained token grant',
  'synthetic-grant': 'grant',
  'inventory-access': 'inventory grant on',
};

export const FINDING: Record<FindingKind, string> = {
  exceeds_role: 'exceeds role',
  unused: 'unused',
  stale_key: 'stale key',
  orphaned: 'orphaned',
  external_collaborator: 'external collaborator',
};

/** Text from providers and the directory on one line, bounded: no control characters, no forged lines. */
export function oneLine(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const day = (iso: string) => (/^\d{4}-\d{2}-\d{2}T/.test(iso) ? iso.slice(0, 10) : iso);

export interface ItemDescription {
  /** Who holds it where: `alice · AWS 123456789012`. */
  readonly who: string;
  /** What it is: `IAM managed policy AdministratorAccess (attached) via group:admins`. */
  readonly what: string;
  readonly lastUsed: string;
  /** `exceeds role: grants Admin on …`, one per finding. */
  readonly findings: readonly string[];
  readonly exception?: string;
  /** Warden's own controls on the holder (a quarantine), shown as context. */
  readonly context?: readonly string[];
}

/** One item in words (plain text, unescaped). */
export function describeItem(item: ReviewItem): ItemDescription {
  const via = item.grantedVia && item.grantedVia !== 'direct' ? ` via ${oneLine(item.grantedVia, 120)}` : '';
  return {
    who: `${oneLine(item.subject, 120)} · ${SYSTEM[item.system] ?? oneLine(item.system, 40)} ${oneLine(item.account, 120)}`,
    what: `${KIND[item.kind] ?? oneLine(item.kind, 60)} ${oneLine(item.resource, 240)} (${oneLine(item.permission, 60)})${via}`,
    lastUsed: item.lastUsed ? `last used ${oneLine(day(item.lastUsed), 40)}` : 'last use unknown',
    findings: item.findings.map((f) => `${FINDING[f.kind] ?? oneLine(f.kind, 40)}: ${oneLine(f.detail)}`),
    ...(item.exception ? { exception: oneLine(item.exception, 200) } : {}),
    ...(item.context?.length ? { context: item.context.map((c) => oneLine(c, 240)) } : {}),
  };
}

/** A shell word: as is when it is safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9._:/@+=,%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `--reviewer <person>` when someone other than the reviewer (their manager) decides. */
const onBehalf = (reviewer: string | undefined) => (reviewer ? ` --reviewer ${shellWord(reviewer)}` : '');

/** `warden review decide <campaign> <item> keep|revoke`, ready to paste; `reviewer` for a manager deciding their report's items. */
export function decideCommand(campaignId: string, itemId = 'ITEM', decision: DecisionValue | 'keep|revoke' = 'keep|revoke', reviewer?: string): string {
  return `warden review decide ${shellWord(campaignId)} ${itemId === 'ITEM' ? itemId : shellWord(itemId)} ${decision}${onBehalf(reviewer)}`;
}

/** `warden review decide <campaign> --keep-unflagged`. */
export function keepUnflaggedCommand(campaignId: string, reviewer?: string): string {
  return `warden review decide ${shellWord(campaignId)} --keep-unflagged${onBehalf(reviewer)}`;
}

/** The API endpoint that takes a reviewer's decisions. */
export function decideApiPath(campaignId: string): string {
  return `POST /v1/reviews/${encodeURIComponent(campaignId)}/decisions`;
}

/** An example body for that endpoint: one decision, or every unflagged item kept; `reviewer` for a manager. */
export function decideApiBody(what: 'decision' | 'keep-unflagged', reviewer?: string): string {
  const body = { ...(reviewer ? { reviewer } : {}), ...(what === 'decision' ? { decisions: [{ item: 'ITEM', decision: 'keep' }] } : { keep_all_unflagged: true }) };
  return JSON.stringify(body);
}

/** A person's name as shown to others: the directory's name, else their id. */
export const displayName = (person: { readonly id: string; readonly name?: string } | undefined, fallbackId: string): string => oneLine(person?.name || person?.id || fallbackId, 120);
