import { z } from 'zod';
import { defineAction } from '../types.js';

const describe = (p: { to: string | string[]; subject: string }): string[] => [`email ${(Array.isArray(p.to) ? p.to : [p.to]).join(', ')}: ${p.subject}`];

/** Sends an email. Idempotent per step through a deterministic Message-ID and a sent-ledger. */
export const notifyEmail = defineAction({
  name: 'notify.email',
  title: 'Send email',
  kind: 'notify',
  destructive: false,
  params: z.strictObject({
    to: z.union([z.email(), z.array(z.email()).min(1)]),
    subject: z.string().min(1).max(300),
    text: z.string().min(1),
  }),
  describe,
  async run(p, ctx, dryRun) {
    const to = Array.isArray(p.to) ? p.to : [p.to];
    const plan = describe(p);
    if (dryRun) return { status: 'planned', plan, output: { delivered: false } };
    if (!ctx.deps.mailer) return { status: 'planned', plan: [...plan, 'not sent: email is not configured (WARDEN_SMTP_URL)'], output: { delivered: false, reason: 'email-not-configured' } };
    const sent = await ctx.deps.mailer.send({ to, subject: p.subject, text: p.text, idempotencyKey: ctx.idempotencyKey });
    return { status: sent.already ? 'already' : 'changed', plan, output: { delivered: true, messageId: sent.messageId, accepted: sent.accepted } };
  },
});
