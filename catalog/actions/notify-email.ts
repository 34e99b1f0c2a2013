import { z } from 'zod';
import { defineAction } from '../types.js';

const describe = (p: { to: string | string[]; subject: string }): string[] => [`email ${(Array.isArray(p.to) ? p.to : [p.to]).join(', ')}: ${p.subject}`];

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The text as HTML: escaped (alert data never becomes markup), one paragraph per blank-line block. */
export function textToHtml(text: string): string {
  const paragraphs = text.split(/\n\s*\n/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  return `<!doctype html><html><body>${paragraphs.join('')}</body></html>`;
}

/** Sends an email (text and HTML). Idempotent per step through a deterministic Message-ID and a sent-ledger. */
export const notifyEmail = defineAction({
  name: 'notify.email',
  title: 'Send email',
  kind: 'notify',
  destructive: false,
  params: z.strictObject({
    to: z.union([z.email(), z.array(z.email()).min(1)]),
    subject: z.string().min(1).max(300),
    text: z.string().min(1),
    html: z.string().min(1).optional().describe('HTML body; by default the text, escaped, one paragraph per blank-line block'),
  }),
  describe,
  async run(p, ctx, dryRun) {
    const to = Array.isArray(p.to) ? p.to : [p.to];
    const plan = describe(p);
    if (dryRun) return { status: 'planned', plan, output: { delivered: false } };
    if (!ctx.deps.mailer) return { status: 'planned', plan: [...plan, 'not sent: email is not configured (SMTP_URL)'], output: { delivered: false, reason: 'email-not-configured' } };
    const sent = await ctx.deps.mailer.send({ to, subject: p.subject, text: p.text, html: p.html ?? textToHtml(p.text), idempotencyKey: ctx.idempotencyKey });
    return { status: sent.already ? 'already' : 'changed', plan, output: { delivered: true, messageId: sent.messageId, accepted: sent.accepted } };
  },
});
