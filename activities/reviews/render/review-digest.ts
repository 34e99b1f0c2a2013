import type { DecisionValue, ReviewItem } from '../../../contracts/review-types.js';
import { countItems, decideApiBody, decideApiPath, decideCommand, describeItem, isFlagged, keepUnflaggedCommand, oneLine, orderItems, type DecisionMap, type ReviewCounts } from './review-view.js';

/** Items listed in one email; a larger review says how many more there are. */
export const DIGEST_MAX_ITEMS = 200;

export type DigestKind = 'assigned' | 'reminder' | 'escalation' | 'escalation-note' | 'closed';

export interface ReviewDigestInput {
  readonly kind: DigestKind;
  readonly campaignId: string;
  /** Who the email is for (their name), and whose items these are. */
  readonly recipientName: string;
  readonly reviewerName: string;
  /** The reviewer's person id: the manager's commands decide on their behalf (`--reviewer`). */
  readonly reviewerId?: string;
  /** The manager's name, for the escalation emails. */
  readonly managerName?: string;
  readonly deadline: string;
  readonly items: readonly ReviewItem[];
  readonly decisions: DecisionMap;
  /** The reminder's number (1, 2, 3…). */
  readonly n: number;
}

export interface ReviewDigest {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const DECIDED: Record<DecisionValue, string> = { keep: 'kept', revoke: 'to be revoked' };

/** The sentences before the list, as plain text (the HTML escapes them). */
function intro(d: ReviewDigestInput, c: ReviewCounts): { subject: string; lines: string[]; listItems: boolean } {
  const campaign = oneLine(d.campaignId, 120);
  const deadline = oneLine(d.deadline, 60);
  switch (d.kind) {
    case 'assigned':
      return {
        subject: `Access review ${campaign}: ${c.total} entitlements to review by ${deadline}`,
        lines: [
          `You review ${c.total} entitlements in access review ${campaign}, ${c.flagged} of them flagged (listed first).`,
          `Decide each by ${deadline}: keep what is still needed, revoke the rest. Items you leave undecided are handled by the campaign's policy after the deadline.`,
        ],
        listItems: true,
      };
    case 'reminder':
      return {
        subject: `Reminder: ${c.undecided} access review items to decide by ${deadline} (${campaign})`,
        lines: [`Reminder ${d.n}: ${c.undecided} of your ${c.total} items in access review ${campaign} are still undecided. The deadline is ${deadline}.`],
        listItems: true,
      };
    case 'escalation':
      return {
        subject: `Escalated: ${d.reviewerName} has ${c.undecided} access review items undecided (${campaign})`,
        lines: [
          `${d.reviewerName} has not finished access review ${campaign}: ${c.undecided} of ${c.total} items are undecided (deadline ${deadline}).`,
          `As their manager you may now decide these items, the same way they would.`,
        ],
        listItems: true,
      };
    case 'escalation-note':
      return {
        subject: `Your access review ${campaign} was escalated to ${d.managerName ?? 'your manager'}`,
        lines: [`${c.undecided} of your ${c.total} items are still undecided, so ${d.managerName ?? 'your manager'} may now decide them too. You still can, until ${deadline}.`],
        listItems: false,
      };
    case 'closed':
      return {
        subject: `Access review ${campaign} closed: ${c.kept} kept, ${c.revoked} revoked`,
        lines: [
          `Access review ${campaign} is closed for you: ${c.kept} kept, ${c.revoked} revoked${c.undecided ? `, ${c.undecided} left to the campaign's policy` : ''}. Nothing more is needed from you.`,
        ],
        listItems: false,
      };
  }
}

/**
 * A reviewer's email, as text and HTML: what happened, their items (flagged first; the
 * reminder and escalation list only undecided ones) each with its id and the command that
 * decides it, and the CLI and API paths. Every text from providers, the directory or the
 * campaign is one line in the text part and escaped in the HTML part.
 */
export function renderReviewDigest(input: ReviewDigestInput): ReviewDigest {
  const d: ReviewDigestInput = {
    ...input,
    recipientName: oneLine(input.recipientName, 120),
    reviewerName: oneLine(input.reviewerName, 120),
    ...(input.managerName ? { managerName: oneLine(input.managerName, 120) } : {}),
  };
  const c = countItems(d.items, d.decisions);
  const { subject, lines, listItems } = intro(d, c);
  const onlyOpen = d.kind === 'reminder' || d.kind === 'escalation';
  const all = orderItems(d.items, d.decisions).filter((i) => !onlyOpen || !d.decisions[i.id]);
  const listed = listItems ? all.slice(0, DIGEST_MAX_ITEMS) : [];
  const more = listItems ? all.length - listed.length : 0;
  const greeting = `Hello ${d.recipientName},`;
  // The manager decides the reviewer's items: the CLI and the API need to be told whose.
  const onBehalf = d.kind === 'escalation' ? d.reviewerId : undefined;
  const how = [
    `Decide from a terminal: ${decideCommand(d.campaignId, 'ITEM', 'keep|revoke', onBehalf)}`,
    `or with the API: ${decideApiPath(d.campaignId)} with ${decideApiBody('decision', onBehalf)}`,
    ...(c.undecidedUnflagged > 0 && d.kind !== 'closed'
      ? [`To keep all ${c.undecidedUnflagged} unflagged items not decided yet: ${keepUnflaggedCommand(d.campaignId, onBehalf)} (API: ${decideApiBody('keep-unflagged', onBehalf)})`]
      : []),
  ];

  const textItems = listed.map((item, k) => {
    const x = describeItem(item);
    const decision = d.decisions[item.id];
    return [
      `${k + 1}. ${isFlagged(item) ? '[FLAGGED] ' : ''}${x.who}`,
      `   ${x.what} · ${x.lastUsed}`,
      ...x.findings.map((f) => `   - ${f}`),
      ...(x.exception ? [`   exception: ${x.exception}`] : []),
      `   item: ${oneLine(item.id, 2000)}`,
      decision ? `   decided: ${DECIDED[decision]}` : `   decide: ${decideCommand(d.campaignId, item.id, 'keep|revoke', onBehalf)}`,
    ].join('\n');
  });
  const moreLine = more > 0 ? [`…and ${more} more items not listed here; decide them with the same command or API.`] : [];
  const text = [greeting, '', ...lines, '', ...(textItems.length ? [textItems.join('\n\n'), ...moreLine, ''] : []), ...how, '', '— Warden', ''].join('\n');

  const h = escapeHtml;
  const htmlItems = listed.map((item) => {
    const x = describeItem(item);
    const decision = d.decisions[item.id];
    return (
      `<li><p>${isFlagged(item) ? '<strong>[FLAGGED]</strong> ' : ''}<strong>${h(x.who)}</strong><br>${h(x.what)} · ${h(x.lastUsed)}</p>` +
      (x.findings.length ? `<ul>${x.findings.map((f) => `<li>${h(f)}</li>`).join('')}</ul>` : '') +
      (x.exception ? `<p>exception: ${h(x.exception)}</p>` : '') +
      `<p>item: <code>${h(item.id)}</code><br>${decision ? `decided: ${DECIDED[decision]}` : `decide: <code>${h(decideCommand(d.campaignId, item.id, 'keep|revoke', onBehalf))}</code>`}</p></li>`
    );
  });
  const html = [
    '<!doctype html><html><body>',
    `<p>${h(greeting)}</p>`,
    ...lines.map((l) => `<p>${h(l)}</p>`),
    ...(htmlItems.length ? [`<ol>${htmlItems.join('')}</ol>`, ...moreLine.map((l) => `<p>${h(l)}</p>`)] : []),
    `<p>${how.map((l) => h(l)).join('<br>')}</p>`,
    '<p>— Warden</p></body></html>',
  ].join('');
  return { subject: oneLine(subject, 250), text, html };
}
