import type { ItemDecision, OnSilence, ReviewSystem } from '../../contracts/review-types.js';
import type { ReviewerItem, ReviewTiming } from '../../contracts/reviews.js';
import type { ReviewContext } from './context.js';

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
      const items = await r.store.readReviewerItems(input.campaignId, input.reviewer);
      const compact: ReviewerItem[] = items.map((i) => ({
        id: i.id,
        flagged: i.findings.length > 0,
        ...(i.exception ? { exception: i.exception } : {}),
        ...(i.personId ? { person: i.personId } : {}),
      }));
      compact.sort((a, b) => Number(b.flagged) - Number(a.flagged) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const person = await r.directory?.findPerson(input.reviewer);
      const reachable = !!person && ((!!r.deps.chat && !!person.slackUserId) || (!!r.deps.mailer && !!person.email));
      return { items: compact, reachable, ...(person?.manager ? { manager: person.manager } : {}) };
    },

    async reviewRecordDecisions(input: { campaignId: string; reviewer: string; decisions: ItemDecision[] }): Promise<void> {
      await r.store.putDecisions(input.campaignId, input.reviewer, input.decisions);
    },
  };
}
