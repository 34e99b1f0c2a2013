import type { ItemDecision, OnSilence, ReviewSystem } from '../../contracts/review-types.js';
import type { ReviewerItem, ReviewTiming } from '../../contracts/reviews.js';
import type { ReviewContext } from './context.js';
import { expandDecisions, REVIEWER_ITEMS_PAGE, toReviewerItems, type CompactDecisions } from '../../contracts/review-compact.js';
import { failure, FailureKind } from '../../contracts/failures.js';

export interface LoadedReviewer {
  readonly items: ReviewerItem[];
  /** The reviewer's manager (person id), who gets the escalation at the deadline. */
  readonly manager?: string;
  /** Whether Slack or email can reach the reviewer at all (a synthetic reviewer cannot): when not, no message is attempted. */
  readonly reachable: boolean;
}

/** What a campaign takes from the worker's settings when it starts (recorded in its history). */
export interface CampaignSettings {
  /** The systems configured on this worker, in collection order. */
  readonly systems: ReviewSystem[];
  readonly timing: ReviewTiming;
  readonly onSilence: OnSilence;
  readonly approvalGroup?: string;
  readonly offboardOrphans: boolean;
}

const DAY_MS = 86_400_000;

/** The reviewer-side reads and writes of the review store: all idempotent. */
export function createReviewerActivities(r: ReviewContext) {
  const reach = async (reviewer: string) => {
    const person = await r.directory?.findPerson(reviewer);
    const reachable = !!person && ((!!r.deps.chat && !!person.slackUserId) || (!!r.deps.mailer && !!person.email));
    return { reachable, ...(person?.manager ? { manager: person.manager } : {}) };
  };
  // The last reviewer's items in the workflow's order: its pages are read one after another, and
  // a reviewer's items never change once collected (the digest checks it where it matters).
  let last: { key: string; at: number; items: ReviewerItem[] } | undefined;
  const itemsOf = async (campaignId: string, reviewer: string): Promise<ReviewerItem[]> => {
    const key = JSON.stringify([campaignId, reviewer]);
    if (last?.key === key && Date.now() - last.at < 60_000) return last.items;
    const items = toReviewerItems(await r.store.readReviewerItems(campaignId, reviewer));
    last = { key, at: Date.now(), items };
    return items;
  };
  return {
    /** The settings a campaign runs with, read once at its start. Also checks the access policy loads. */
    async reviewCampaignSettings(): Promise<CampaignSettings> {
      r.policy();
      const s = r.settings;
      return {
        systems: [...(r.deps.iam ? ['aws' as const] : []), ...(r.deps.code ? ['github' as const] : [])],
        timing: { deadlineMs: s.deadlineDays * DAY_MS, graceMs: s.graceDays * DAY_MS, remindersMs: s.reminderDays.map((d) => d * DAY_MS) },
        onSilence: s.onSilence,
        ...(s.approvalGroup ? { approvalGroup: s.approvalGroup } : {}),
        offboardOrphans: s.offboardOrphans,
      };
    },

    /** Opens the campaign in the review store (its manifest), before any batch: from then on "no reviewers" is a fact, not a store that lacks the campaign. */
    async reviewOpenCampaign(input: { campaignId: string; scope: string[] }): Promise<void> {
      await r.store.openCampaign(input.campaignId, { scope: input.scope });
    },

    async reviewCountReviewers(input: { campaignId: string }): Promise<number> {
      return r.store.countReviewers(input.campaignId);
    },

    async reviewListReviewers(input: { campaignId: string; offset: number; limit: number }): Promise<string[]> {
      return r.store.listReviewers(input.campaignId, { offset: input.offset, limit: input.limit });
    },

    /** The reviewer's items as the reviewer workflow keeps them: id, flagged, exception, holder. Flagged first. */
    async reviewLoadReviewer(input: { campaignId: string; reviewer: string }): Promise<LoadedReviewer> {
      const items = toReviewerItems(await r.store.readReviewerItems(input.campaignId, input.reviewer));
      return { items, ...(await reach(input.reviewer)) };
    },

    /**
     * One page of the reviewer's items in the workflow's order (`REVIEWER_ITEMS_PAGE` at most, so
     * no result nears the payload limit), with their total; who manages and reaches them on the first.
     */
    async reviewLoadReviewerPage(input: { campaignId: string; reviewer: string; offset: number; limit: number }): Promise<LoadedReviewer & { total: number }> {
      const all = await itemsOf(input.campaignId, input.reviewer);
      const items = all.slice(input.offset, input.offset + Math.min(input.limit, REVIEWER_ITEMS_PAGE));
      return { items, total: all.length, ...(input.offset === 0 ? await reach(input.reviewer) : { reachable: false }) };
    },

    /** Records the decisions given by position (`CompactDecisions`), whole, as `reviewRecordDecisions` does. */
    async reviewRecordCompactDecisions(input: { campaignId: string; reviewer: string; decisions: CompactDecisions }): Promise<void> {
      const items = toReviewerItems(await r.store.readReviewerItems(input.campaignId, input.reviewer));
      let decisions: ItemDecision[];
      try {
        decisions = expandDecisions(items, input.decisions);
      } catch (err) {
        throw failure(FailureKind.InvalidReviewInput, `${input.reviewer}'s decisions in campaign ${input.campaignId}: ${(err as Error).message}`);
      }
      await r.store.putDecisions(input.campaignId, input.reviewer, decisions);
    },

    async reviewRecordDecisions(input: { campaignId: string; reviewer: string; decisions: ItemDecision[] }): Promise<void> {
      await r.store.putDecisions(input.campaignId, input.reviewer, input.decisions);
    },
  };
}
