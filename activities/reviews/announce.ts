import type { ReviewContext } from './context.js';

export interface AnnounceInput {
  readonly campaignId: string;
  /** What is announced; with the campaign id, the idempotency key. */
  readonly kind: 'approval-needed';
  readonly subject: string;
  readonly text: string;
}

/**
 * Tells the compliance recipients (reviews.compliance: email and Slack channel) something about
 * a campaign. Idempotent under `review:<campaign>:<kind>`: a retried activity tells them once.
 * Returns who was told; nothing configured tells nobody (the campaign records that).
 */
export function createAnnounceActivities(r: ReviewContext) {
  return {
    async reviewAnnounce(input: AnnounceInput): Promise<string[]> {
      const key = `review:${input.campaignId}:${input.kind}`;
      const told: string[] = [];
      const { email, slackChannel } = r.settings.compliance;
      if (r.deps.mailer && email.length) {
        const sent = await r.deps.mailer.send({ to: email, subject: input.subject, text: input.text, idempotencyKey: key });
        told.push(...sent.accepted);
      }
      if (r.deps.chat && slackChannel) {
        await r.deps.chat.post({ channel: slackChannel, text: `${input.subject}\n${input.text}`, idempotencyKey: key });
        told.push(slackChannel);
      }
      return told;
    },
  };
}
