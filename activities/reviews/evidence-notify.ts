/**
 * Tells the compliance recipients that a campaign's evidence pack is stored: an email with the
 * summary and, while they are small enough, the files attached; a one-line Slack post.
 */
import type { ActionDeps } from '../../catalog/types.js';
import { FINDING_KINDS } from '../../contracts/review-types.js';
import type { ReviewSettings } from '../../contracts/review-types.js';
import type { CampaignEvidence } from '../../contracts/reviews.js';
import type { MailAttachment } from '../ports/mail.js';
import { escapeMrkdwn } from '../incident/render/approval-blocks.js';
import { escapeHtml, renderSummaryHtml } from './render/evidence-html.js';
import type { CampaignSummary, EvidenceTally } from './render/evidence-rows.js';
import { completionOf, ENFORCEMENT_STATUSES, percent } from './render/evidence-rows.js';

/** Above this many bytes in all (before base64), the email carries the evidence URIs only. */
export const ATTACH_LIMIT_BYTES = 10 * 1024 * 1024;

export interface StoredFile extends CampaignEvidence {
  readonly contentType: string;
  readonly body: Buffer;
}

export interface NotifyInput {
  readonly campaignId: string;
  readonly campaign: CampaignSummary;
  readonly tally: EvidenceTally;
  readonly files: readonly StoredFile[];
}

export const notificationKey = (campaignId: string): string => `review:${campaignId}:evidence`;

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

export function summaryLines(c: CampaignSummary, t: EvidenceTally): string[] {
  const findings = FINDING_KINDS.map((k) => `${k} ${t.findings[k]}`).join(', ');
  const enforcement = ENFORCEMENT_STATUSES.map((s) => `${s} ${t.enforcement[s]}`).join(', ');
  return [
    `Access review ${c.id}${c.dryRun ? ' (DRY RUN: nothing was changed; enforcement lines are plans)' : ''}`,
    `Requested by ${c.requestedBy}; started ${c.startedAt}; deadline ${c.deadline ?? '-'}; closed ${c.closedAt ?? '-'}.`,
    '',
    `Entitlements: ${t.rows}, flagged ${t.flagged} (${findings}).`,
    `Completion rate: ${percent(completionOf(t))} (${t.decidedByPerson} of ${t.rows} decided by a person).`,
    `Revoked: ${t.revokedByPerson} by reviewers, ${t.revokedOnSilence} on silence. Kept: ${t.keptByPerson} by reviewers, ${t.keptOnSilence} on silence, ${t.exceptionsKept} as exceptions. No decision recorded: ${t.undecided}.`,
    `Enforcement: ${enforcement}.`,
  ];
}

function mailBodies(input: NotifyInput, attached: boolean, total: number): { text: string; html: string } {
  const lead = attached ? `The evidence pack is attached (${input.files.length} files) and stored:` : `The evidence pack (${mib(total)}) is too large to attach; it is stored at:`;
  const fileLine = (f: StoredFile) => `${f.name}: ${f.uri} (sha256 ${f.sha256})`;
  const text = [...summaryLines(input.campaign, input.tally), '', lead, ...input.files.map((f) => `- ${fileLine(f)}`), ''].join('\n');
  const html = [
    '<!doctype html><html><head><meta charset="utf-8"></head><body>',
    `<h1>${escapeHtml(`Access review ${input.campaign.id}: evidence pack`)}</h1>`,
    renderSummaryHtml(input.campaign, input.tally),
    `<p>${escapeHtml(lead)}</p>`,
    `<ul>${input.files.map((f) => `<li>${escapeHtml(fileLine(f))}</li>`).join('')}</ul>`,
    '</body></html>',
  ].join('\n');
  return { text, html };
}

/**
 * Emails `settings.compliance.email` (idempotency key `review:<campaign>:evidence`) and posts to
 * `settings.compliance.slackChannel` under the same key; both adapters skip a key already sent,
 * so a retried activity notifies once. What is not configured is skipped and reported through
 * `note` (never a secret). Returns what was skipped.
 */
export async function notifyCompliance(
  deps: Pick<ActionDeps, 'mailer' | 'chat'>,
  settings: Pick<ReviewSettings, 'compliance'>,
  input: NotifyInput,
  note: (message: string) => void,
): Promise<string[]> {
  const skipped: string[] = [];
  const skip = (why: string) => {
    skipped.push(why);
    note(`review ${input.campaignId}: ${why}`);
  };
  const idempotencyKey = notificationKey(input.campaignId);
  const recipients = settings.compliance.email;

  if (!recipients.length) skip('evidence pack not emailed: no compliance email recipients are configured (reviews.compliance.email)');
  else if (!deps.mailer) skip('evidence pack not emailed: email is not configured (SMTP_URL)');
  else {
    const total = input.files.reduce((sum, f) => sum + f.body.byteLength, 0);
    const attached = total <= ATTACH_LIMIT_BYTES;
    const attachments: MailAttachment[] = attached ? input.files.map((f) => ({ filename: f.name, contentType: f.contentType, content: f.body.toString('utf8') })) : [];
    await deps.mailer.send({
      to: recipients,
      subject: `Access review ${input.campaign.id}: evidence pack${input.campaign.dryRun ? ' (dry run)' : ''}`,
      ...mailBodies(input, attached, total),
      ...(attached ? { attachments } : {}),
      idempotencyKey,
    });
  }

  const channel = settings.compliance.slackChannel;
  if (!channel) skip('evidence pack not posted to Slack: no compliance Slack channel is configured (reviews.compliance.slackChannel)');
  else if (!deps.chat) skip('evidence pack not posted to Slack: Slack is not configured (SLACK_BOT_TOKEN)');
  else {
    const c = input.campaign;
    const t = input.tally;
    const report = input.files.find((f) => f.name.endsWith('.html')) ?? input.files[0];
    const text =
      `Access review ${escapeMrkdwn(c.id)}${c.dryRun ? ' (dry run)' : ''}: ${t.rows} entitlements, ${t.flagged} flagged, ` +
      `completion ${percent(completionOf(t))}, ${t.revokedByPerson + t.revokedOnSilence} revoked (${t.revokedOnSilence} on silence), ` +
      `${t.enforcement.failed} enforcement failures. Evidence: ${escapeMrkdwn(report?.uri ?? '-')}`;
    await deps.chat.post({ channel, text, idempotencyKey });
  }
  return skipped;
}
