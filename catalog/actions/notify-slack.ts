import { z } from 'zod';
import { defineAction } from '../types.js';

const describe = (p: { channel: string; text: string }): string[] => [`post to ${p.channel}: ${p.text.length > 120 ? `${p.text.slice(0, 117)}...` : p.text}`];

/** Posts a message to a Slack channel, threaded per incident. Idempotent per step: a rerun finds the earlier post. */
export const notifySlack = defineAction({
  name: 'notify.slack',
  title: 'Post to Slack',
  kind: 'notify',
  destructive: false,
  templates: { channel: 'trusted', text: 'mrkdwn' },
  params: z.strictObject({
    channel: z.string().min(1).describe('Channel name (#sec-incidents) or id, or a user id (U…) for a direct message'),
    text: z.string().min(1).max(4000),
  }),
  describe,
  async run(p, ctx, dryRun) {
    const plan = describe(p);
    if (dryRun) return { status: 'planned', plan, output: { delivered: false } };
    if (!ctx.deps.chat) return { status: 'planned', plan: [...plan, 'not sent: Slack is not configured (SLACK_BOT_TOKEN)'], output: { delivered: false, reason: 'slack-not-configured' } };
    const posted = await ctx.deps.chat.post({ channel: p.channel, text: p.text, threadKey: ctx.incidentId, idempotencyKey: ctx.idempotencyKey });
    return { status: posted.already ? 'already' : 'changed', plan, output: { delivered: true, channel: posted.channel, ts: posted.ts, ...(posted.threadTs ? { threadTs: posted.threadTs } : {}) } };
  },
});
