import { describe, expect, it } from 'vitest';
import { REVIEW_KEEP_ACTION, REVIEW_KEEP_UNFLAGGED_ACTION, REVIEW_REVOKE_ACTION, renderReviewMessage, SLACK_MAX_BLOCKS } from '../../activities/reviews/render/review-blocks.js';
import { DIGEST_MAX_ITEMS, renderReviewDigest } from '../../activities/reviews/render/review-digest.js';
import { decideCommand, shellWord } from '../../activities/reviews/render/review-view.js';
import type { ReviewItem } from '../../contracts/review-types.js';
import { reviewerWorkflowId } from '../../contracts/reviews.js';

const CAMPAIGN = 'q3-2026';
const WF = reviewerWorkflowId(CAMPAIGN, 'rita');
const HOSTILE = 'Exfil <!channel> <http://evil.example|click> & <@U0ALICE> <script>alert(1)</script>';
const LIVE_MRKDWN = /<!channel>|<!here>|<http|<@U/;

function item(id: string, over: Partial<ReviewItem> = {}): ReviewItem {
  return {
    id,
    system: 'aws',
    account: '123456789012',
    subject: 'dana-ml',
    kind: 'iam-managed-policy',
    resource: `arn:aws:iam::aws:policy/${id}`,
    permission: 'attached',
    grantedVia: 'direct',
    lastUsed: '2026-05-01T10:00:00Z',
    findings: [],
    grants: {},
    reviewer: 'rita',
    reviewerBasis: 'manager',
    personId: 'dana',
    ...over,
  };
}
const flagged = (id: string, over: Partial<ReviewItem> = {}) => item(id, { findings: [{ kind: 'exceeds_role', detail: 'grants Admin on Production Models; data-scientist allows Read' }], ...over });

type Block = { type: string; block_id?: string; text?: { text: string }; elements?: { action_id?: string; value?: string; text?: { text: string } }[] };
const buttons = (blocks: unknown[]) => (blocks as Block[]).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
const mrkdwnTexts = (blocks: unknown[]): string[] => {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as { type?: unknown; text?: unknown };
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    Object.values(n).forEach(walk);
  };
  walk(blocks);
  return out;
};
const itemIdsInOrder = (blocks: unknown[]) => (blocks as Block[]).filter((b) => b.block_id?.match(/^review_item_\d+$/)).map((b) => /`([^`]+)`/.exec(b.text!.text)![1]!);

describe('the review message (Slack blocks)', () => {
  const view = { campaignId: CAMPAIGN, workflowId: WF, phase: 'open' as const, deadline: '2026-07-15T09:00:00.000Z' };

  it('lists undecided items first, flagged first, each with Keep and Revoke carrying {w, i, d}; decided ones show their decision', () => {
    const items = [item('a-plain'), flagged('b-flag'), item('c-decided'), flagged('d-flag')];
    const { blocks } = renderReviewMessage({ ...view, items, decisions: { 'c-decided': 'keep' } });
    expect(itemIdsInOrder(blocks)).toEqual(['b-flag', 'd-flag', 'a-plain', 'c-decided']);
    const perItem = buttons(blocks).filter((b) => b.action_id !== REVIEW_KEEP_UNFLAGGED_ACTION);
    expect(perItem.map((b) => [b.action_id, JSON.parse(b.value!) as unknown])).toEqual([
      [REVIEW_KEEP_ACTION, { w: WF, i: 'b-flag', d: 'keep' }],
      [REVIEW_REVOKE_ACTION, { w: WF, i: 'b-flag', d: 'revoke' }],
      [REVIEW_KEEP_ACTION, { w: WF, i: 'd-flag', d: 'keep' }],
      [REVIEW_REVOKE_ACTION, { w: WF, i: 'd-flag', d: 'revoke' }],
      [REVIEW_KEEP_ACTION, { w: WF, i: 'a-plain', d: 'keep' }],
      [REVIEW_REVOKE_ACTION, { w: WF, i: 'a-plain', d: 'revoke' }],
    ]);
    const keepAll = buttons(blocks).find((b) => b.action_id === REVIEW_KEEP_UNFLAGGED_ACTION)!;
    expect(JSON.parse(keepAll.value!)).toEqual({ w: WF });
    expect(keepAll.text!.text).toBe('Keep all unflagged (1)');
    const decided = (blocks as Block[]).find((b) => b.text?.text.includes('`c-decided`'))!;
    expect(decided.text!.text).toContain('Kept');
    const all = JSON.stringify(blocks);
    expect(all).toContain('exceeds role: grants Admin on Production Models');
    expect(all).toContain('last used 2026-05-01');
    expect(all).toContain('warden review decide q3-2026 ITEM keep|revoke');
    expect(all).toContain('POST /v1/reviews/q3-2026/decisions');
    // Block ids are unique within the message, as Slack requires.
    const ids = (blocks as Block[]).map((b) => b.block_id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('fits Slack’s 50 blocks: a large review shows what fits, undecided first, and says how many more and how to decide them', () => {
    const items = Array.from({ length: 120 }, (_, k) => (k % 3 === 0 ? flagged(`i-${String(k).padStart(3, '0')}`) : item(`i-${String(k).padStart(3, '0')}`)));
    const decisions = Object.fromEntries(items.slice(0, 30).map((i) => [i.id, 'revoke' as const]));
    const { blocks } = renderReviewMessage({ ...view, items, decisions });
    expect(blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
    const shown = itemIdsInOrder(blocks);
    expect(shown.every((id) => !decisions[id])).toBe(true);
    expect(shown.length).toBeGreaterThanOrEqual(20);
    const more = mrkdwnTexts(blocks).find((t) => t.includes('more* items are not shown'))!;
    expect(more).toContain(`*${120 - shown.length} more* items are not shown here (${90 - shown.length} not decided)`);
    expect(more).toContain('warden review decide q3-2026 ITEM keep|revoke');
    for (const b of buttons(blocks)) expect(b.value!.length).toBeLessThanOrEqual(2000);
  });

  it('closed: no buttons at all, each item with its decision, counts in the summary', () => {
    const items = [flagged('f1'), item('u1'), item('u2')];
    const { blocks, text } = renderReviewMessage({ ...view, phase: 'closed', items, decisions: { f1: 'revoke', u1: 'keep' } });
    expect(buttons(blocks)).toEqual([]);
    expect(text).toBe('Access review q3-2026 is closed: 1 kept, 1 revoked');
    const all = mrkdwnTexts(blocks).join('\n');
    expect(all).toContain('The review is closed.* 1 kept, 1 revoked, 1 left to the campaign');
    expect(all).toMatch(/`u2`\s+:grey_question: not decided/);
  });

  it('escapes every text from providers, the directory and the campaign', () => {
    const items = [flagged('x1', { subject: HOSTILE, resource: HOSTILE, findings: [{ kind: 'unused', detail: HOSTILE }], exception: HOSTILE, grantedVia: HOSTILE })];
    const { blocks, text } = renderReviewMessage({ ...view, phase: 'escalated', items, decisions: {}, forManager: { reviewerName: HOSTILE, reviewerId: 'hugo' } });
    const texts = mrkdwnTexts(blocks);
    expect(texts.filter((t) => LIVE_MRKDWN.test(t))).toEqual([]);
    expect(texts.join('\n')).toContain('&lt;!channel&gt; &lt;http://evil.example|click&gt; &amp; &lt;@U0ALICE&gt;');
    expect(text).not.toMatch(LIVE_MRKDWN);
  });
});

describe('the review email digest', () => {
  const base = { campaignId: CAMPAIGN, recipientName: 'Eve', reviewerName: 'Eve', deadline: '2026-07-15T09:00:00.000Z', n: 1 };

  it('assigned: every item id with the command that decides it, flagged first, and the CLI and API paths', () => {
    const items = [item('aws:123456789012:dana-ml:iam-group:admins'), flagged('github:acme:bob:github-team:ml-core')];
    const d = renderReviewDigest({ ...base, kind: 'assigned', items, decisions: {} });
    expect(d.subject).toBe('Access review q3-2026: 2 entitlements to review by 2026-07-15T09:00:00.000Z');
    const flaggedAt = d.text.indexOf('[FLAGGED]');
    expect(flaggedAt).toBeGreaterThan(0);
    expect(flaggedAt).toBeLessThan(d.text.indexOf('item: aws:123456789012'));
    for (const i of items) {
      expect(d.text).toContain(`item: ${i.id}`);
      expect(d.text).toContain(`decide: warden review decide q3-2026 ${i.id} keep|revoke`);
      expect(d.html).toContain(`<code>warden review decide q3-2026 ${i.id} keep|revoke</code>`);
    }
    expect(d.text).toContain('POST /v1/reviews/q3-2026/decisions');
    expect(d.text).toContain('{"decisions":[{"item":"ITEM","decision":"keep"}]}');
    expect(d.text).toContain('warden review decide q3-2026 --keep-unflagged (API: {"keep_all_unflagged":true})');
  });

  it('reminder and escalation list only undecided items; closed lists none and gives the counts', () => {
    const items = [item('k1'), item('open1'), flagged('open2')];
    const decisions = { k1: 'keep' as const };
    const reminder = renderReviewDigest({ ...base, kind: 'reminder', n: 2, items, decisions });
    expect(reminder.text).toContain('Reminder 2: 2 of your 3 items in access review q3-2026 are still undecided');
    expect(reminder.text).not.toContain('item: k1');
    expect(reminder.text).toContain('item: open2');
    const escalation = renderReviewDigest({ ...base, kind: 'escalation', recipientName: 'Max', managerName: 'Max', reviewerId: 'eve', items, decisions });
    expect(escalation.subject).toBe('Escalated: Eve has 2 access review items undecided (q3-2026)');
    expect(escalation.text).toContain('Hello Max,');
    expect(escalation.text).toContain('As their manager you may now decide these items');
    // The manager decides on the reviewer's behalf: every command and the API body say whose items.
    expect(escalation.text).toContain('decide: warden review decide q3-2026 open2 keep|revoke --reviewer eve');
    expect(escalation.text).toContain('{"reviewer":"eve","decisions":[{"item":"ITEM","decision":"keep"}]}');
    expect(reminder.text).not.toContain('--reviewer');
    const closed = renderReviewDigest({ ...base, kind: 'closed', items, decisions: { ...decisions, open2: 'revoke' } });
    expect(closed.subject).toBe('Access review q3-2026 closed: 1 kept, 1 revoked');
    expect(closed.text).not.toContain('item: ');
  });

  it('caps the list and says how many more there are', () => {
    const items = Array.from({ length: DIGEST_MAX_ITEMS + 7 }, (_, k) => item(`i${k}`));
    const d = renderReviewDigest({ ...base, kind: 'assigned', items, decisions: {} });
    expect(d.text.match(/^ {3}item: /gm)).toHaveLength(DIGEST_MAX_ITEMS);
    expect(d.text).toContain('…and 7 more items not listed here');
  });

  it('hostile text is inert: escaped in HTML, one line in text, never a forged header', () => {
    const evil = `${HOSTILE}\nBcc: victim@example.com`;
    const items = [flagged('x1', { subject: evil, findings: [{ kind: 'unused', detail: evil }] })];
    const d = renderReviewDigest({ ...base, kind: 'escalation', recipientName: evil, reviewerName: evil, managerName: 'Max', items, decisions: {} });
    expect(d.html).not.toMatch(/<script>|<http|<!channel>|<@U0ALICE>/);
    expect(d.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(d.text).not.toMatch(/\nBcc:/);
    expect(d.subject).not.toMatch(/[\r\n]/);
  });

  it('quotes an item id for the shell only when it needs it', () => {
    expect(shellWord('aws:123456789012:dana:iam-group:admins')).toBe('aws:123456789012:dana:iam-group:admins');
    expect(shellWord("it's $(rm -rf)")).toBe(`'it'\\''s $(rm -rf)'`);
    expect(decideCommand('q3 2026', 'a b', 'keep')).toBe("warden review decide 'q3 2026' 'a b' keep");
  });
});
