/**
 * What each offboarding item amounts to, in one place: the provider table, the timeline's tally,
 * the report and the CLI all count and word items through `verdictOf`, so they cannot disagree.
 */
import type { OffboardingItem, OffboardingProviderProgress, OffboardingState } from './offboarding.js';

/**
 * - read: an inventory read that planned revocations (not a credential; never counted);
 * - revoked: changed at the peer and read back;
 * - nothing-to-do: the credential was already absent (live), or there was nothing to change (dry run);
 * - would-revoke, would-ask, would-fail: a dry run's plan, a manual step it would hand to a person,
 *   and what would fail now (a provider not configured, an error);
 * - waived by a person, escalated to one, or still open (pending, running, retrying).
 */
export type ItemVerdict = 'read' | 'revoked' | 'nothing-to-do' | 'would-revoke' | 'would-ask' | 'would-fail' | 'waived' | 'escalated' | 'open';

/** A read that plans revocations rather than one itself. */
export const isInventory = (item: Pick<OffboardingItem, 'action'>): boolean => item.action === 'aws.listEntitlements';

export function verdictOf(i: Pick<OffboardingItem, 'action' | 'status' | 'outcome' | 'error'>): ItemVerdict {
  switch (i.status) {
    case 'done':
      return isInventory(i) ? 'read' : i.outcome === 'changed' ? 'revoked' : 'nothing-to-do';
    case 'planned':
      if (i.error) return 'would-fail';
      if (isInventory(i)) return 'read';
      if (i.action === 'manual') return 'would-ask';
      return i.outcome === 'already' ? 'nothing-to-do' : 'would-revoke';
    case 'waived':
      return 'waived';
    case 'escalated':
      return 'escalated';
    default:
      return 'open';
  }
}

/** The verdict in words, with who and why where there is one. */
export function verdictText(i: OffboardingItem): string {
  const v = verdictOf(i);
  switch (v) {
    case 'nothing-to-do':
      return i.status === 'done' ? 'nothing to do (already absent)' : 'nothing to do';
    case 'would-revoke':
      return 'would revoke (dry run)';
    case 'would-ask':
      return 'would ask a person (dry run: manual step)';
    case 'would-fail':
      return `would fail (dry run): ${i.error?.message ?? 'unknown error'}`;
    case 'waived':
      return `waived by ${i.waiver?.by ?? '?'}: ${i.waiver?.reason ?? ''}`;
    case 'escalated':
      return `escalated, waiting for an operator: ${i.error?.message ?? 'unknown error'}`;
    case 'open':
      return i.status;
    default:
      return v;
  }
}

/** Counts by verdict over the items (reads not counted): the provider table's columns. */
export function progressOf(items: readonly OffboardingItem[]): OffboardingProviderProgress {
  const verdicts = items.map(verdictOf);
  const n = (...of: ItemVerdict[]) => verdicts.filter((v) => of.includes(v)).length;
  const p = {
    revoked: n('revoked'),
    nothingToDo: n('nothing-to-do'),
    planned: n('would-revoke', 'would-ask'),
    wouldFail: n('would-fail'),
    waived: n('waived'),
    escalated: n('escalated'),
    open: n('open'),
  };
  const total = Object.values(p).reduce((a, b) => a + b, 0);
  const started = items.some((i) => i.status !== 'pending');
  const dryRun = items.some((i) => i.status === 'planned');
  const status: OffboardingProviderProgress['status'] = p.escalated > 0 ? 'escalated' : p.open > 0 ? (started ? 'running' : 'pending') : dryRun ? 'planned' : 'done';
  return { status, total, done: p.revoked + p.nothingToDo, ...p };
}

/** The counts, in the order tables and tallies show them: the key, a column title, the words in a tally. */
export const PROGRESS_COLUMNS: readonly (readonly [Exclude<keyof OffboardingProviderProgress, 'status' | 'total' | 'done'>, string, string])[] = [
  ['revoked', 'Revoked', 'revoked'],
  ['nothingToDo', 'Nothing to do', 'nothing to do'],
  ['planned', 'Would revoke', 'would revoke'],
  ['wouldFail', 'Would fail', 'would fail'],
  ['waived', 'Waived', 'waived'],
  ['escalated', 'Escalated', 'waiting for an operator'],
  ['open', 'Open', 'in progress'],
];

/** A one-line tally from the same counts: "12 revoked, 3 nothing to do, 1 waived". */
export function tally(items: readonly OffboardingItem[]): string {
  const p = progressOf(items);
  return (
    PROGRESS_COLUMNS.filter(([key]) => p[key] > 0)
      .map(([key, , words]) => `${p[key]} ${words}`)
      .join(', ') || 'nothing to revoke'
  );
}

/** The retention timer in words; a dry run's reads "would wait until …", never "finished". */
export function retentionText(s: Pick<OffboardingState, 'dryRun' | 'retention' | 'retentionDays'>): string {
  const { status, dueAt, finishedAt } = s.retention;
  if (s.dryRun) {
    if (status === 'not-applicable') return 'not applicable (no IAM user)';
    return dueAt ? `would wait until ${dueAt} (${s.retentionDays} days), then delete the IAM users` : `would wait ${s.retentionDays} days after the report, then delete the IAM users`;
  }
  return `${status}${dueAt ? `, due ${dueAt}` : ''}${finishedAt ? `, finished ${finishedAt}` : ''}`;
}

/** The effective time in words: a dry run scheduled for later is parked until then (a live request may join or supersede it). */
export function effectiveText(s: Pick<OffboardingState, 'dryRun' | 'times'>): string | undefined {
  const at = s.times.effectiveAt;
  if (!at) return undefined;
  return s.dryRun ? `dry run at ${at}` : `effective ${at}`;
}
