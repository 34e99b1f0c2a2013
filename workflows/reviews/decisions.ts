import type { ItemDecision, OnSilence } from '../../contracts/review-types.js';
import type { ReviewDecideRequest, ReviewerItem, ReviewerState } from '../../contracts/reviews.js';

/**
 * Why a decision request may not be applied, or undefined when it may. Runs as the Update's
 * validator, so a refused request leaves no trace in the history. A reviewer decides only their
 * own items; once escalated, their manager may too; nobody decides an entitlement they hold.
 */
export function refusalOf(state: ReviewerState, req: ReviewDecideRequest): string | undefined {
  if (state.phase === 'closed') return `the review of ${state.reviewer}'s items in campaign ${state.campaignId} is closed; decisions are final`;
  const deciders = [state.reviewer, ...(state.escalatedTo ? [state.escalatedTo] : [])];
  if (!deciders.includes(req.by)) {
    return `${req.by} may not decide ${state.reviewer}'s items in campaign ${state.campaignId}: only ${deciders.join(' or ')} may${state.escalatedTo ? '' : ' (until the deadline escalates them to the manager)'}`;
  }
  const decisions = req.decisions ?? [];
  if (!decisions.length && !req.keepAllUnflagged) return 'nothing to decide: give decisions or keepAllUnflagged';
  const byId = new Map(state.items.map((i) => [i.id, i]));
  for (const d of decisions) {
    const item = byId.get(d.item);
    if (!item) return `item ${d.item} is not among ${state.reviewer}'s items in campaign ${state.campaignId}`;
    if (d.decision !== 'keep' && d.decision !== 'revoke') return `decision for ${d.item} must be keep or revoke`;
    if (item.person === req.by) return `${req.by} holds ${d.item} and may not decide it`;
  }
  return undefined;
}

/** Applies an accepted request; a later decision on the same item replaces the earlier one. Returns how many items it set. */
export function applyDecisions(state: ReviewerState, req: ReviewDecideRequest, at: string): number {
  let applied = 0;
  for (const d of req.decisions ?? []) {
    state.decisions[d.item] = { itemId: d.item, decision: d.decision, by: req.by, at, via: req.via, ...(d.reason ? { reason: d.reason } : {}) };
    applied++;
  }
  if (req.keepAllUnflagged) {
    for (const item of state.items) {
      if (item.flagged || state.decisions[item.id] || item.person === req.by) continue;
      state.decisions[item.id] = { itemId: item.id, decision: 'keep', by: req.by, at, via: req.via, reason: 'kept with every unflagged item' };
      applied++;
    }
  }
  return applied;
}

export const undecided = (state: ReviewerState): ReviewerItem[] => state.items.filter((i) => !state.decisions[i.id]);

/** What the deadline decides for an item nobody decided: exceptions are always kept. */
export function silenceDecision(item: ReviewerItem, policy: OnSilence): 'keep' | 'revoke' {
  if (item.exception) return 'keep';
  if (policy === 'revoke') return 'revoke';
  if (policy === 'revoke-flagged') return item.flagged ? 'revoke' : 'keep';
  return 'keep';
}

/** Decides every undecided item by the on-silence policy. */
export function applySilence(state: ReviewerState, policy: OnSilence, at: string): ItemDecision[] {
  const out: ItemDecision[] = [];
  for (const item of undecided(state)) {
    const decision = silenceDecision(item, policy);
    const reason = item.exception ? `exception: ${item.exception}` : `not reviewed by the deadline; on-silence policy ${policy}`;
    const d: ItemDecision = { itemId: item.id, decision, by: `policy:${policy}`, at, via: 'silence', reason };
    state.decisions[item.id] = d;
    out.push(d);
  }
  return out;
}
