import type { DecisionValue, ItemDecision, ReviewItem } from './review-types.js';

/** One of the reviewer's items as the reviewer workflow keeps it (`ReviewerItem` in reviews.ts). */
interface ReviewerItem {
  readonly id: string;
  readonly flagged: boolean;
  readonly exception?: string;
  readonly person?: string;
}

/**
 * A reviewer's items and decisions, compact enough for Temporal payloads (2 MB) at any size: a
 * reviewer may hold 50,000 items. The reviewer workflow loads its items page by page in one
 * order (flagged first, then by id), and names items by their position in that order; the
 * activities, which read the same items from the review store, turn positions back into ids. A
 * digest of the ids in order travels with every position list, so a list read against other items
 * fails instead of deciding the wrong ones. Sandbox-safe.
 */

/** Items per page the reviewer workflow loads: about 60 bytes each as JSON, far below 2 MB. */
export const REVIEWER_ITEMS_PAGE = 5_000;

/** The reviewer workflow's view of the stored items, in its one order: flagged first, then by id. */
export function toReviewerItems(items: readonly ReviewItem[]): ReviewerItem[] {
  const compact: ReviewerItem[] = items.map((i) => ({
    id: i.id,
    flagged: i.findings.length > 0,
    ...(i.exception ? { exception: i.exception } : {}),
    ...(i.personId ? { person: i.personId } : {}),
  }));
  return compact.sort((a, b) => Number(b.flagged) - Number(a.flagged) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** FNV-1a (32 bit) over the ids in order, with their count: which item list positions refer to. */
export function itemsDigest(items: readonly { readonly id: string }[]): string {
  let h = 0x811c9dc5;
  for (const item of items) {
    for (let i = 0; i < item.id.length; i++) {
      h ^= item.id.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h = Math.imul(h ^ 0x0a, 0x01000193) >>> 0;
  }
  return `${items.length}:${h.toString(16)}`;
}

/** Ascending positions as ranges: `0-99,105,200-201`. */
export function encodePositions(sorted: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

export function decodePositions(s: string): number[] {
  const out: number[] = [];
  for (const part of s ? s.split(',') : []) {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    for (let n = a; n <= (b ?? a); n++) out.push(n);
  }
  return out;
}

/** Decisions sharing who, when, how, what and why, with the positions of their items. */
export interface DecisionGroup {
  readonly decision: DecisionValue;
  readonly by: string;
  readonly at: string;
  readonly via: ItemDecision['via'];
  readonly reason?: string;
  readonly positions: string;
}

export interface CompactDecisions {
  /** `itemsDigest` of the items the positions index. */
  readonly digest: string;
  readonly groups: readonly DecisionGroup[];
}

export function compactDecisions(items: readonly ReviewerItem[], decisions: Readonly<Record<string, ItemDecision>>): CompactDecisions {
  const groups = new Map<string, { d: ItemDecision; positions: number[] }>();
  items.forEach((item, n) => {
    const d = decisions[item.id];
    if (!d) return;
    const key = JSON.stringify([d.decision, d.by, d.at, d.via, d.reason ?? null]);
    const group = groups.get(key) ?? { d, positions: [] };
    group.positions.push(n);
    groups.set(key, group);
  });
  return {
    digest: itemsDigest(items),
    groups: [...groups.values()].map(({ d, positions }) => ({
      decision: d.decision,
      by: d.by,
      at: d.at,
      via: d.via,
      ...(d.reason ? { reason: d.reason } : {}),
      positions: encodePositions(positions),
    })),
  };
}

/** The decisions back, in item order; throws when the items are not those the positions index. */
export function expandDecisions(items: readonly { readonly id: string }[], compact: CompactDecisions): ItemDecision[] {
  const digest = itemsDigest(items);
  if (digest !== compact.digest) throw new Error(`the reviewer's items changed (digest ${digest}, the decisions were made on ${compact.digest}): decisions by position cannot be applied`);
  const out: { n: number; d: ItemDecision }[] = [];
  for (const g of compact.groups) {
    for (const n of decodePositions(g.positions)) {
      const item = items[n];
      if (!item) throw new Error(`decision position ${n} is past the reviewer's ${items.length} item(s)`);
      out.push({ n, d: { itemId: item.id, decision: g.decision, by: g.by, at: g.at, via: g.via, ...(g.reason ? { reason: g.reason } : {}) } });
    }
  }
  return out.sort((a, b) => a.n - b.n).map((x) => x.d);
}
