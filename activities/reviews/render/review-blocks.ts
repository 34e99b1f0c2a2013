import type { DecisionValue, ReviewItem } from '../../../contracts/review-types.js';
import type { ReviewerPhase } from '../../../contracts/reviews.js';
import { escapeMrkdwn } from '../../incident/render/approval-blocks.js';
import { countItems, decideApiBody, decideApiPath, decideCommand, describeItem, isFlagged, orderItems, type DecisionMap } from './review-view.js';

/** The action ids of a review message's buttons: the Slack app listens for these. */
export const REVIEW_KEEP_ACTION = 'review_keep';
export const REVIEW_REVOKE_ACTION = 'review_revoke';
export const REVIEW_KEEP_UNFLAGGED_ACTION = 'review_keep_unflagged';

/** What a Keep or Revoke button carries: the reviewer workflow, the item, the decision. Never who clicks: Slack says that. */
export interface ReviewItemButtonValue {
  readonly w: string;
  readonly i: string;
  readonly d: DecisionValue;
}

/** What "Keep all unflagged" carries: the reviewer workflow. */
export interface ReviewKeepUnflaggedValue {
  readonly w: string;
}

/** Slack's limits: blocks per message, characters per button value, per section text, per header. */
export const SLACK_MAX_BLOCKS = 50;
const MAX_VALUE = 2000;
const MAX_FINDINGS_SHOWN = 5;

export interface ReviewMessageView {
  readonly campaignId: string;
  readonly workflowId: string;
  readonly items: readonly ReviewItem[];
  readonly decisions: DecisionMap;
  readonly phase: ReviewerPhase;
  readonly deadline: string;
  /** Set for the copy sent to the manager on escalation: whose items these are, and the manager's name. */
  readonly forManager?: { readonly reviewerName: string; readonly reviewerId: string };
}

const plain = (text: string, max = 3000) => ({ type: 'plain_text' as const, text: (text.length > max ? `${text.slice(0, max - 1)}…` : text) || ' ', emoji: false });
const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text: text.slice(0, 3000) || ' ' });
const code = (text: string) => `\`${escapeMrkdwn(text)}\``;

const DECIDED: Record<DecisionValue, string> = { keep: ':white_check_mark: *Kept*', revoke: ':no_entry: *Revoke*' };

function itemText(item: ReviewItem, decision: DecisionValue | undefined, closed: boolean): string {
  const d = describeItem(item);
  const findings = d.findings.slice(0, MAX_FINDINGS_SHOWN).map((f) => `• ${escapeMrkdwn(f)}`);
  if (d.findings.length > MAX_FINDINGS_SHOWN) findings.push(`• …and ${d.findings.length - MAX_FINDINGS_SHOWN} more findings`);
  const lines = [
    `${isFlagged(item) ? ':warning: ' : ''}*${escapeMrkdwn(d.who)}*`,
    `${escapeMrkdwn(d.what)} · ${escapeMrkdwn(d.lastUsed)}`,
    ...findings,
    ...(d.exception ? [`:shield: exception: ${escapeMrkdwn(d.exception)}`] : []),
    ...(d.context ?? []).map((c) => `:lock: ${escapeMrkdwn(c)}`),
    `${code(item.id)}${decision ? `  ${DECIDED[decision]}` : closed ? '  :grey_question: not decided' : ''}`,
  ];
  return lines.join('\n');
}

function summary(view: ReviewMessageView, c: ReturnType<typeof countItems>): string {
  const deadline = escapeMrkdwn(view.deadline);
  const whose = view.forManager ? `*${escapeMrkdwn(view.forManager.reviewerName)}* reviews` : 'You review';
  const head = `${whose} *${c.total}* entitlements in access review ${code(view.campaignId)} (*${c.flagged}* flagged, shown first).`;
  switch (view.phase) {
    case 'closed':
      return `${head}\n:lock: *The review is closed.* ${c.kept} kept, ${c.revoked} revoked${c.undecided ? `, ${c.undecided} left to the campaign's policy` : ''}.`;
    case 'grace':
      return `${head}\n:hourglass: *The deadline (${deadline}) has passed.* ${c.undecided} still to decide: decide now, before the grace period ends and the campaign's policy decides them.`;
    case 'escalated':
      return view.forManager
        ? `${head}\n:rotating_light: *${escapeMrkdwn(view.forManager.reviewerName)} has not finished* (${c.undecided} still to decide, deadline ${deadline}). As their manager you may now decide these items.`
        : `${head}\n:rotating_light: *Escalated:* your manager may now decide these items too. ${c.undecided} still to decide by *${deadline}*.`;
    case 'open':
      return `${head}\n*${c.undecided}* still to decide by *${deadline}*: keep what is needed, revoke the rest.`;
  }
}

function button(actionId: string, text: string, value: string, style?: 'primary' | 'danger'): Record<string, unknown> {
  return { type: 'button', action_id: actionId, text: plain(text, 75), value, ...(style ? { style } : {}) };
}

/**
 * The reviewer's message, rendered from the items and the decisions alone, so the first post and
 * every re-render show the same thing. Undecided items come first (flagged first), each with Keep
 * and Revoke; decided ones show their decision; as many as fit in Slack's 50 blocks, the rest
 * counted with the ways to decide them. Closed: no buttons at all. Every text from providers,
 * the directory or the campaign is escaped for mrkdwn or sent as plain_text.
 */
export function renderReviewMessage(view: ReviewMessageView): { text: string; blocks: unknown[] } {
  const c = countItems(view.items, view.decisions);
  const closed = view.phase === 'closed';
  const cli = code(decideCommand(view.campaignId, 'ITEM', 'keep|revoke', view.forManager?.reviewerId));
  const api = code(view.forManager ? `${decideApiPath(view.campaignId)} ${decideApiBody('decision', view.forManager.reviewerId)}` : decideApiPath(view.campaignId));
  const title = closed
    ? `Access review closed: ${view.campaignId}`
    : view.forManager
      ? `Escalated access review: ${view.forManager.reviewerName}`
      : `Access review: ${c.undecided} of ${c.total} to decide`;

  const head: unknown[] = [
    { type: 'header', text: plain(title, 150) },
    { type: 'section', text: mrkdwn(summary(view, c)) },
  ];
  if (!closed && c.undecidedUnflagged > 0) {
    const value = JSON.stringify({ w: view.workflowId } satisfies ReviewKeepUnflaggedValue);
    const keepAll = button(REVIEW_KEEP_UNFLAGGED_ACTION, `Keep all unflagged (${c.undecidedUnflagged})`, value);
    keepAll.confirm = {
      title: plain('Keep all unflagged?', 100),
      text: plain(`Keeps the ${c.undecidedUnflagged} unflagged items not decided yet, including any not shown here. Flagged items stay open.`, 300),
      confirm: plain(`Keep ${c.undecidedUnflagged}`, 30),
      deny: plain('Cancel', 30),
    };
    if (value.length <= MAX_VALUE) head.push({ type: 'actions', block_id: 'review_keep_unflagged', elements: [keepAll] });
  }
  head.push({ type: 'divider' });

  const footer = { type: 'context', elements: [mrkdwn(`Deadline ${escapeMrkdwn(view.deadline)} · from a terminal: ${cli} · API: ${api}`)] };
  let budget = SLACK_MAX_BLOCKS - head.length - 2; // the footer, and the "more" note when needed
  const body: unknown[] = [];
  const ordered = orderItems(view.items, view.decisions);
  let shown = 0;
  for (const item of ordered) {
    const decision = view.decisions[item.id];
    const values = (['keep', 'revoke'] as const).map((d) => JSON.stringify({ w: view.workflowId, i: item.id, d } satisfies ReviewItemButtonValue));
    const withButtons = !closed && !decision && values.every((v) => v.length <= MAX_VALUE);
    const cost = withButtons ? 2 : 1;
    if (cost > budget) break;
    budget -= cost;
    shown += 1;
    const tooLong = !closed && !decision && !withButtons ? `\nDecide it with ${cli}.` : '';
    body.push({ type: 'section', block_id: `review_item_${shown}`, text: mrkdwn(itemText(item, decision, closed) + tooLong) });
    if (withButtons) {
      body.push({
        type: 'actions',
        block_id: `review_item_${shown}_decide`,
        elements: [button(REVIEW_KEEP_ACTION, 'Keep', values[0]!, 'primary'), button(REVIEW_REVOKE_ACTION, 'Revoke', values[1]!, 'danger')],
      });
    }
  }
  const hidden = ordered.slice(shown);
  if (hidden.length > 0) {
    const open = hidden.filter((i) => !view.decisions[i.id]).length;
    const how = closed ? '' : open > 0 ? ` As you decide, the next ones appear here; any item can also be decided with ${cli} or ${api}.` : '';
    body.push({ type: 'section', text: mrkdwn(`:information_source: *${hidden.length} more* items are not shown here (${open} not decided).${how}`) });
  }

  const text = closed
    ? `Access review ${view.campaignId} is closed: ${c.kept} kept, ${c.revoked} revoked`
    : `Access review ${view.campaignId}: ${c.undecided} of ${c.total} items to decide by ${view.deadline}`;
  return { text: escapeMrkdwn(text), blocks: [...head, ...body, footer] };
}
