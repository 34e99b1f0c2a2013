import { z } from 'zod';
import type { Directory, Person } from '../../contracts/directory.js';
import { escapeHtml } from '../../engine/template-escape.js';
import { defineAction } from '../types.js';

interface EmailParams {
  to?: string | string[] | undefined;
  toPerson?: string | undefined;
  subject: string;
}

const recipients = (p: EmailParams): string[] => (p.to === undefined ? [] : Array.isArray(p.to) ? p.to : [p.to]);

const describe = (p: EmailParams): string[] => [`email ${[...recipients(p), ...(p.toPerson ? [`the directory's person ${p.toPerson}`] : [])].join(', ')}: ${p.subject}`];

/** The text as HTML: escaped (alert data never becomes markup), one paragraph per blank-line block. */
export function textToHtml(text: string): string {
  const paragraphs = text.split(/\n\s*\n/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  return `<!doctype html><html><body>${paragraphs.join('')}</body></html>`;
}

/** The directory's person known by this id, email, AWS user name or GitHub login. */
async function findInDirectory(directory: Directory | undefined, key: string): Promise<Person | undefined> {
  if (!directory) return undefined;
  const byId = await directory.findPerson(key);
  if (byId) return byId;
  const k = key.toLowerCase();
  return (await directory.listPeople()).find((p) => p.email.toLowerCase() === k || p.githubLogin?.toLowerCase() === k || p.aws.some((a) => a.userName === key));
}

/**
 * Sends an email (text and HTML). Idempotent per step through a deterministic Message-ID and a
 * sent-ledger. Recipients come from the playbook (`to`, which may not read alert data) or the
 * directory (`toPerson`: the alert may name whom, the directory says where): an alert never
 * chooses an address.
 */
export const notifyEmail = defineAction({
  name: 'notify.email',
  title: 'Send email',
  kind: 'notify',
  destructive: false,
  templates: { to: 'trusted', subject: 'header', html: 'html' },
  params: z
    .strictObject({
      to: z.union([z.email(), z.array(z.email()).min(1)]).optional(),
      toPerson: z.string().min(1).max(256).optional().describe("a person of the directory (id, email, AWS user name or GitHub login); the email goes to the directory's address"),
      subject: z.string().min(1).max(300),
      text: z.string().min(1),
      html: z.string().min(1).optional().describe('HTML body; by default the text, escaped, one paragraph per blank-line block'),
    })
    .refine((p) => p.to !== undefined || p.toPerson !== undefined, { message: 'name the recipients: to (addresses) or toPerson (a person of the directory)', path: ['to'] }),
  describe,
  async run(p, ctx, dryRun) {
    const plan = describe(p);
    const person = p.toPerson ? await findInDirectory(ctx.directory, p.toPerson) : undefined;
    const to = [...recipients(p), ...(person ? [person.email] : [])];
    const unknown = p.toPerson && !person ? [`not sent to ${p.toPerson}: not a person of the directory`] : [];
    if (to.length === 0) return { status: 'planned', plan: [...plan, ...unknown], output: { delivered: false, reason: 'no-recipient' } };
    if (dryRun) return { status: 'planned', plan: [...plan, ...unknown], output: { delivered: false } };
    if (!ctx.deps.mailer) return { status: 'planned', plan: [...plan, 'not sent: email is not configured (SMTP_URL)'], output: { delivered: false, reason: 'email-not-configured' } };
    const sent = await ctx.deps.mailer.send({ to, subject: p.subject, text: p.text, html: p.html ?? textToHtml(p.text), idempotencyKey: ctx.idempotencyKey });
    return { status: sent.already ? 'already' : 'changed', plan: [...plan, ...unknown], output: { delivered: true, messageId: sent.messageId, accepted: sent.accepted } };
  },
});
