/**
 * Access KPIs (issue #16), from recorded decisions and revocations, never from counters: each
 * access-review campaign's completion by its deadline and its share revoked on silence, and each
 * offboarding's time from its request to the last revocation read back. Pure and sandbox-safe.
 */
import type { OffboardingState } from './offboarding.js';
import type { CampaignState, ReviewerState } from './reviews.js';
import { figuresOf, minutesBetween, type Figures } from './kpi-stats.js';

export interface ReviewCampaignKpi {
  readonly campaignId: string;
  readonly startedAt: string;
  readonly deadline: string | null;
  /** Items in the reviewers' records that were read. */
  readonly items: number;
  /** Items a person decided (Slack, API, CLI) at or before their review's deadline. */
  readonly decidedByPersonByDeadline: number;
  /** decidedByPersonByDeadline / items (0 to 1), null with no items. */
  readonly completionByDeadline: number | null;
  readonly revokedOnSilence: number;
  readonly revokedOnSilenceShare: number | null;
  /** False while a review is still open (its figures can still grow). */
  readonly over: boolean;
}

const share = (n: number, of: number): number | null => (of > 0 ? n / of : null);

/** One campaign's figures from its reviewer workflows' recorded decisions. */
export function reviewCampaignKpi(campaign: Pick<CampaignState, 'campaignId' | 'startedAt' | 'deadline'>, reviewers: readonly ReviewerState[]): ReviewCampaignKpi {
  let items = 0;
  let byDeadline = 0;
  let onSilence = 0;
  for (const r of reviewers) {
    items += r.items.length;
    const deadline = Date.parse(r.deadline);
    for (const d of Object.values(r.decisions)) {
      if (d.via === 'silence') {
        if (d.decision === 'revoke') onSilence++;
      } else if (Date.parse(d.at) <= deadline) byDeadline++;
    }
  }
  return {
    campaignId: campaign.campaignId,
    startedAt: campaign.startedAt,
    deadline: campaign.deadline ?? reviewers[0]?.deadline ?? null,
    items,
    decidedByPersonByDeadline: byDeadline,
    completionByDeadline: share(byDeadline, items),
    revokedOnSilence: onSilence,
    revokedOnSilenceShare: share(onSilence, items),
    over: reviewers.every((r) => r.phase === 'closed'),
  };
}

export interface OffboardingTime {
  readonly personId: string;
  /** The request, or its effective time when it was scheduled for later. */
  readonly from: string;
  /** When the last revocation was read back at its peer; absent while one is still open. */
  readonly lastRevocationAt?: string;
  readonly minutes?: number;
}

export interface OffboardingKpis {
  readonly offboardings: OffboardingTime[];
  /** Over the finished ones; `open` still wait for a revocation. */
  readonly figures: Figures & { readonly open: number };
  readonly excluded: { readonly dryRun: number; readonly cancelled: number; readonly nothingToRevoke: number };
}

/**
 * Request (or effective time) → the last revocation read back: the latest `finishedAt` of the
 * revoke-stage items done at their peer (changed or already so). An offboarding with a revoke
 * item neither done nor waived is open; waived items are a person's acceptance, not a revocation.
 */
export function offboardingTime(s: OffboardingState): OffboardingTime | 'nothing-to-revoke' {
  const from = s.times.effectiveAt && s.times.effectiveAt > s.times.createdAt ? s.times.effectiveAt : s.times.createdAt;
  const revoke = s.items.filter((i) => i.stage === 'revoke');
  const done = revoke.filter((i) => i.status === 'done' && (i.outcome === 'changed' || i.outcome === 'already') && i.finishedAt);
  if (done.length === 0 && revoke.every((i) => i.status === 'waived')) return 'nothing-to-revoke';
  if (revoke.some((i) => i.status !== 'done' && i.status !== 'waived')) return { personId: s.personId, from };
  const last = done
    .map((i) => i.finishedAt!)
    .sort()
    .at(-1)!;
  return { personId: s.personId, from, lastRevocationAt: last, minutes: minutesBetween(from, last) ?? 0 };
}

export function offboardingKpis(states: readonly OffboardingState[], window: { since: string; until: string }): OffboardingKpis {
  const excluded = { dryRun: 0, cancelled: 0, nothingToRevoke: 0 };
  const out: OffboardingTime[] = [];
  const [since, until] = [Date.parse(window.since), Date.parse(window.until)];
  for (const s of states) {
    const created = Date.parse(s.times.createdAt);
    if (!(created >= since && created < until)) continue;
    if (s.dryRun) excluded.dryRun++;
    else if (s.cancel) excluded.cancelled++;
    else {
      const t = offboardingTime(s);
      if (t === 'nothing-to-revoke') excluded.nothingToRevoke++;
      else out.push(t);
    }
  }
  const finished = out.flatMap((t) => (t.minutes === undefined ? [] : [t.minutes]));
  return { offboardings: out, figures: { ...figuresOf(finished), open: out.length - finished.length }, excluded };
}
