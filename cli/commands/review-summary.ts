/** `warden review report ID` by default: a readable summary of the campaign's evidence.json. */
import { shortTime, table } from './format.js';

interface Row {
  readonly reviewer?: string;
  /** Set when the item is listed as an exception: kept on silence as one. */
  readonly exception?: unknown;
  readonly decision?: { readonly decision: 'keep' | 'revoke'; readonly by?: string; readonly at?: string; readonly via?: string };
  readonly enforcement?: { readonly status: string };
}

interface Evidence {
  readonly campaign: { readonly id: string; readonly dryRun: boolean; readonly deadline?: string; readonly closedAt?: string; readonly completionRate?: number };
  readonly totals: { readonly rows: number; readonly flagged: number };
  readonly rows: readonly Row[];
}

interface PerReviewer {
  items: number;
  byPerson: number;
  kept: number;
  revoked: number;
  onSilence: number;
  undecided: number;
  /** Not decided by a person by the deadline: decided late, on silence, or not at all. */
  overdue: number;
}

const bySilence = (r: Row): boolean => r.decision?.via === 'silence';
const byPerson = (r: Row): boolean => r.decision !== undefined && !bySilence(r);
/** Kept on silence because the item is listed as an exception (as the evidence tally counts it). */
const keptAsException = (r: Row): boolean => bySilence(r) && r.decision?.decision === 'keep' && Boolean(r.exception);

/** Counts by decision, by reviewer, the overdue and the revoked on silence, from the rows themselves. */
export function renderReviewSummary(text: string): string {
  const e = JSON.parse(text) as Evidence;
  const deadline = e.campaign.deadline ? Date.parse(e.campaign.deadline) : undefined;
  const late = (r: Row): boolean => (!byPerson(r) && !keptAsException(r)) || (byPerson(r) && deadline !== undefined && r.decision?.at !== undefined && Date.parse(r.decision.at) > deadline);
  const count = (pred: (r: Row) => boolean): number => e.rows.filter(pred).length;
  const reviewers = new Map<string, PerReviewer>();
  for (const r of e.rows) {
    const name = r.reviewer ?? '(no reviewer)';
    const t = reviewers.get(name) ?? { items: 0, byPerson: 0, kept: 0, revoked: 0, onSilence: 0, undecided: 0, overdue: 0 };
    t.items += 1;
    if (byPerson(r)) t.byPerson += 1;
    if (r.decision?.decision === 'keep') t.kept += 1;
    if (r.decision?.decision === 'revoke') t.revoked += 1;
    if (bySilence(r) && !keptAsException(r)) t.onSilence += 1;
    if (!r.decision) t.undecided += 1;
    if (late(r)) t.overdue += 1;
    reviewers.set(name, t);
  }
  const enforcement = new Map<string, number>();
  for (const r of e.rows) if (r.enforcement) enforcement.set(r.enforcement.status, (enforcement.get(r.enforcement.status) ?? 0) + 1);
  const pct = (n: number, of: number): string => (of === 0 ? '-' : `${Math.round((100 * n) / of)}%`);
  const lines = [
    `campaign ${e.campaign.id}${e.campaign.dryRun ? ' (dry run: nothing was enforced)' : ''}: ${e.totals.rows} entitlements, ${e.totals.flagged} flagged`,
    `deadline ${shortTime(e.campaign.deadline)}, closed ${shortTime(e.campaign.closedAt)}; decided by a person: ${count(byPerson)} (${pct(count(byPerson), e.rows.length)})`,
    '',
    'decisions:',
    `  kept by a person       ${count((r) => byPerson(r) && r.decision?.decision === 'keep')}`,
    `  revoked by a person    ${count((r) => byPerson(r) && r.decision?.decision === 'revoke')}`,
    `  kept on silence        ${count((r) => bySilence(r) && r.decision?.decision === 'keep' && !keptAsException(r))}`,
    `  revoked on silence     ${count((r) => bySilence(r) && r.decision?.decision === 'revoke')}`,
    `  kept as exceptions     ${count(keptAsException)}`,
    `  undecided              ${count((r) => !r.decision)}`,
    `  overdue (no person's decision by the deadline)  ${count(late)}`,
    '',
    'by reviewer:',
    table(
      ['REVIEWER', 'ITEMS', 'BY PERSON', 'KEPT', 'REVOKED', 'ON SILENCE', 'UNDECIDED', 'OVERDUE'],
      [...reviewers.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, t]) => [name, String(t.items), String(t.byPerson), String(t.kept), String(t.revoked), String(t.onSilence), String(t.undecided), String(t.overdue)]),
    ).trimEnd(),
  ];
  if (enforcement.size > 0) lines.push('', `enforcement: ${[...enforcement.entries()].map(([s, n]) => `${s} ${n}`).join(', ')}`);
  lines.push('', 'the full rows: --format json, csv or html');
  return `${lines.join('\n')}\n`;
}
