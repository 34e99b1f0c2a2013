import { expandDecisions, toReviewerItems, type CompactDecisions } from '../../contracts/review-compact.js';
import type { ActionDeps } from '../../catalog/types.js';
import type { ReviewItem } from '../../contracts/review-types.js';
import type { ReviewerPhase } from '../../contracts/reviews.js';
import type { Directory, Person } from '../../contracts/directory.js';
import type { ReviewStore } from '../ports/review-store.js';
import { escapeMrkdwn } from '../incident/render/approval-blocks.js';
import { renderReviewMessage } from './render/review-blocks.js';
import { renderReviewDigest, type DigestKind } from './render/review-digest.js';
import { countItems, decideApiPath, decideCommand, displayName } from './render/review-view.js';
import { FailureKind, isFailureKind } from '../../contracts/failures.js';

export type ReviewNotifyKind = 'assigned' | 'reminder' | 'escalation' | 'closed';

export interface ReviewNotifyInput {
  readonly campaignId: string;
  /** The reviewer's person id. */
  readonly reviewer: string;
  /** The reviewer workflow's id: what the buttons decide, and the root of every idempotency key. */
  readonly workflowId: string;
  readonly kind: ReviewNotifyKind;
  /** Which one of this kind (reminder 1, 2, 3…; 1 for the others). */
  readonly n: number;
  readonly deadline: string;
  /** The manager's person id, for 'escalation'. */
  readonly escalatedTo?: string;
  readonly decisions: Record<string, 'keep' | 'revoke'>;
  /** The decisions by position (a reviewer workflow since reviewer-paged-items): `decisions` is then empty. */
  readonly compact?: CompactDecisions;
  /** The reviewer's Slack message, once posted. */
  readonly message?: { readonly channel: string; readonly ts: string };
}

export interface ReviewNotifyResult {
  /** The reviewer's Slack message: posted by 'assigned', else the one given. */
  readonly message?: { readonly channel: string; readonly ts: string };
  /** The addresses the mail server accepted. */
  readonly emailed: string[];
  /** True when a Slack message was posted (or found posted by an earlier attempt). */
  readonly slack: boolean;
  /** Why Slack refused a post, when it did (the person was emailed instead, if possible). */
  readonly slackRefused?: string;
}

export interface ReviewRenderInput {
  readonly campaignId: string;
  readonly reviewer: string;
  readonly workflowId: string;
  readonly message: { readonly channel: string; readonly ts: string };
  readonly decisions: Record<string, 'keep' | 'revoke'>;
  readonly compact?: CompactDecisions;
  readonly phase: ReviewerPhase;
  readonly deadline: string;
}

interface Told {
  slack: boolean;
  emailed: string[];
  slackRefused?: string;
  posted?: { channel: string; ts: string };
}

const nobody = (): Told => ({ slack: false, emailed: [] });
const merge = (a: Told, b: Told): Told => ({
  slack: a.slack || b.slack,
  emailed: [...a.emailed, ...b.emailed],
  ...((a.slackRefused ?? b.slackRefused) ? { slackRefused: a.slackRefused ?? b.slackRefused } : {}),
});

/** A Slack refusal (channel_not_found, missing_scope, user_not_found…) ends the Slack attempt; outages stay retryable. */
const slackRefusal = (err: unknown): string | undefined => (isFailureKind(err, FailureKind.SlackRequestRejected) ? err.message : undefined);

/** The reviewer workflow's Slack and email notices; see the activities' comments. */
export function createReviewNotifyActivities(r: { deps: ActionDeps; directory?: Directory; store: ReviewStore }) {
  const { chat, mailer } = r.deps;
  const findPerson = async (id: string | undefined): Promise<Person | undefined> => (id && r.directory ? r.directory.findPerson(id) : undefined);

  /** A Slack message to one person: a thread reply under `thread` when given, else a DM to their Slack user id. */
  async function slackTo(person: Person | undefined, key: string, content: { text: string; blocks?: unknown[] }, thread?: { channel: string; ts: string }): Promise<Told | undefined> {
    if (!chat || (!thread && !person?.slackUserId)) return undefined;
    try {
      const posted = await chat.post({
        channel: thread?.channel ?? person!.slackUserId!,
        text: content.text,
        ...(content.blocks ? { blocks: content.blocks } : {}),
        ...(thread ? { threadTs: thread.ts } : {}),
        idempotencyKey: key,
      });
      // A rerun finds the earlier post, possibly with older content: bring it up to date.
      if (posted.already && content.blocks) await chat.update({ channel: posted.channel, ts: posted.ts, text: content.text, blocks: content.blocks });
      return { slack: true, emailed: [], posted: { channel: posted.channel, ts: posted.ts } };
    } catch (err) {
      const refused = slackRefusal(err);
      if (!refused) throw err;
      return { slack: false, emailed: [], slackRefused: refused };
    }
  }

  async function mailTo(person: Person | undefined, key: string, digest: { subject: string; text: string; html: string }): Promise<Told> {
    if (!mailer || !person?.email) return nobody();
    const sent = await mailer.send({ to: [person.email], subject: digest.subject, text: digest.text, html: digest.html, idempotencyKey: key });
    return { slack: false, emailed: [...sent.accepted] };
  }

  /** Slack when it can reach the person (thread or DM), else email; a Slack refusal falls back to email. */
  async function tell(
    person: Person | undefined,
    key: string,
    slack: { text: string; blocks?: unknown[]; thread?: { channel: string; ts: string } },
    mail: () => { subject: string; text: string; html: string },
  ): Promise<Told> {
    const viaSlack = await slackTo(person, key, slack, slack.thread);
    if (viaSlack?.slack) return viaSlack;
    return merge(viaSlack ?? nobody(), await mailTo(person, key, mail()));
  }

  return {
    /**
     * Tells a reviewer (and, on escalation, their manager) about their access review: the item
     * list with Keep / Revoke buttons as a Slack DM on 'assigned' (an email digest to people
     * without Slack), a threaded reply or an email for 'reminder' and 'closed', and for
     * 'escalation' the manager's own list plus a note to the reviewer.
     * Idempotent: every post and email is keyed `${workflowId}:${kind}:${n}` (with `:${person}`
     * for the manager), so a retried activity finds the earlier post or ledger entry instead of
     * sending twice; a found 'assigned' message is re-rendered with the current decisions.
     * Nothing configured (or nobody reachable) → `{ slack: false, emailed: [] }`. Slack
     * refusals fall back to email and are reported in `slackRefused`; outages are retryable.
     */
    async reviewNotifyReviewer(input: ReviewNotifyInput): Promise<ReviewNotifyResult> {
      const [reviewer, items] = await Promise.all([findPerson(input.reviewer), r.store.readReviewerItems(input.campaignId, input.reviewer)]);
      const decisions = decisionsOf(input, items);
      const key = `${input.workflowId}:${input.kind}:${input.n}`;
      const reviewerName = displayName(reviewer, input.reviewer);
      const digest = (kind: DigestKind, recipient: string, managerName?: string) => () =>
        renderReviewDigest({
          kind,
          campaignId: input.campaignId,
          recipientName: recipient,
          reviewerName,
          reviewerId: input.reviewer,
          ...(managerName ? { managerName } : {}),
          deadline: input.deadline,
          items,
          decisions,
          n: input.n,
        });
      const view = { campaignId: input.campaignId, workflowId: input.workflowId, items, decisions, deadline: input.deadline };
      const c = countItems(items, decisions);
      const paths = `${code(decideCommand(input.campaignId))} or ${code(decideApiPath(input.campaignId))}`;
      const result = (told: Told, message = input.message): ReviewNotifyResult => ({
        ...(message ? { message } : {}),
        emailed: told.emailed,
        slack: told.slack,
        ...(told.slackRefused ? { slackRefused: told.slackRefused } : {}),
      });

      if (input.kind === 'assigned') {
        const content = renderReviewMessage({ ...view, phase: 'open' });
        if (input.message && chat) {
          await chat.update({ channel: input.message.channel, ts: input.message.ts, ...content });
          return result({ slack: true, emailed: [] });
        }
        const told = await tell(reviewer, key, content, digest('assigned', reviewerName));
        return result(told, told.posted ?? input.message);
      }

      if (input.kind === 'reminder') {
        const text = `:bell: Reminder ${input.n}: *${c.undecided}* of your ${c.total} items are still undecided. The deadline is *${escapeMrkdwn(input.deadline)}*. Decide them in the review message, or with ${paths}.`;
        return result(await tell(reviewer, key, { text, ...(input.message ? { thread: input.message } : {}) }, digest('reminder', reviewerName)));
      }

      if (input.kind === 'closed') {
        const text = `:lock: The review is closed: ${c.kept} kept, ${c.revoked} revoked${c.undecided ? `, ${c.undecided} left to the campaign's policy` : ''}. Nothing more is needed from you.`;
        return result(await tell(reviewer, key, { text, ...(input.message ? { thread: input.message } : {}) }, digest('closed', reviewerName)));
      }

      // escalation: the manager gets the list to decide from; the reviewer a note.
      const manager = await findPerson(input.escalatedTo);
      const managerName = displayName(manager, input.escalatedTo ?? 'your manager');
      let told = nobody();
      if (manager) {
        const content = renderReviewMessage({ ...view, phase: 'escalated', forManager: { reviewerName, reviewerId: input.reviewer } });
        told = await tell(manager, `${key}:${manager.id}`, content, digest('escalation', managerName));
      }
      const note = `:rotating_light: Escalated to *${escapeMrkdwn(managerName)}*: ${c.undecided} of your ${c.total} items are still undecided, so they may now decide them too. You still can, until *${escapeMrkdwn(input.deadline)}*.`;
      told = merge(told, await tell(reviewer, key, { text: note, ...(input.message ? { thread: input.message } : {}) }, digest('escalation-note', reviewerName, managerName)));
      return result(told);
    },

    /**
     * Re-renders the reviewer's Slack message in place (chat.update) from the stored items and
     * the decisions given; closed → no buttons. Nothing to do without Slack. The same content
     * twice is harmless, so it is safe to retry.
     */
    async reviewRenderMessage(input: ReviewRenderInput): Promise<void> {
      if (!chat) return;
      const items: ReviewItem[] = await r.store.readReviewerItems(input.campaignId, input.reviewer);
      const decisions = decisionsOf(input, items);
      const { text, blocks } = renderReviewMessage({ campaignId: input.campaignId, workflowId: input.workflowId, items, decisions, phase: input.phase, deadline: input.deadline });
      await chat.update({ channel: input.message.channel, ts: input.message.ts, text, blocks });
    },
  };
}

/** The decisions as a map by item id, from the positions when the workflow sent them so. */
function decisionsOf(input: { decisions: Record<string, 'keep' | 'revoke'>; compact?: CompactDecisions }, items: readonly ReviewItem[]): Record<string, 'keep' | 'revoke'> {
  if (!input.compact) return input.decisions;
  return Object.fromEntries(expandDecisions(toReviewerItems(items), input.compact).map((d) => [d.itemId, d.decision]));
}

const code = (s: string) => `\`${escapeMrkdwn(s)}\``;

export type ReviewNotifyActivities = ReturnType<typeof createReviewNotifyActivities>;
