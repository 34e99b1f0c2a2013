import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfigDirectory } from '../../config/config-directory.js';
import { createSmtpMailer } from '../../activities/providers/email/smtp-mailer.js';
import { createFileLedger } from '../../activities/providers/idempotency/file-ledger.js';
import type { Person } from '../../contracts/directory.js';
import { createReviewNotifyActivities, type ReviewNotifyInput } from '../../activities/reviews/notify.js';
import { createLocalReviewStore } from '../../activities/providers/review-store/local-review-store.js';
import { REVIEW_KEEP_ACTION, REVIEW_KEEP_UNFLAGGED_ACTION, REVIEW_REVOKE_ACTION } from '../../activities/reviews/render/review-blocks.js';
import { createSlackChat } from '../../activities/providers/slack/slack-chat.js';
import type { ActionDeps } from '../../catalog/types.js';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { DEFAULT_REVIEW_SETTINGS } from '../../config/reviews.js';
import type { ReviewItem } from '../../contracts/review-types.js';
import { createHttpApp, listen } from '../../server/app.js';
import { createHealthProbe } from '../../server/health.js';
import { TEST_SIGNER } from '../helpers/decisions.js';
import { createSlackApp, SLACK_EVENTS_PATH } from '../../slack/app.js';
import { reviewerStateQuery, reviewerWorkflowId, type ReviewerInput } from '../../contracts/reviews.js';
import type { reviewerWorkflow } from '../../workflows/reviews/reviewer.js';
import { suiteClient, suiteKeyring, uniqueTaskQueue, withWorker } from '../harness.js';
import { startFakeSlack, type FakeMessage, type FakeSlack } from '../peers/fake-slack.js';
import { startSmtpPeer, type SmtpPeer } from '../peers/smtp-peer.js';
import { postInteraction } from '../slack/sign.js';

const TOKEN = 'xoxb-test-token-reviews';
const SIGNING_SECRET = 'c0ffee0123456789abcdef0123456789';
const DEADLINE = '2026-07-15T09:00:00.000Z';
const HOSTILE = 'Ops <!channel> <http://evil.example|click> & <@U0RITA>';
const LIVE_MARKUP = /<!channel>|<!here>|<http|<@U/;

const person = (id: string, name: string, over: Partial<Person> = {}): Person => ({ id, name, email: `${id}@example.com`, aws: [], groups: [], roles: [], ...over });
const PEOPLE: Person[] = [
  person('rita', 'Rita Reviewer', { slackUserId: 'U0RITA', manager: 'max' }),
  person('max', 'Max Manager', { slackUserId: 'U0MAX' }),
  person('eve', 'Eve Emailonly', { manager: 'max' }),
  person('mallory', 'Mallory', { slackUserId: 'U0MAL' }),
  // Listed with a Slack id the workspace does not know (deactivated): Slack refuses the DM.
  person('gone', 'Gone User', { slackUserId: 'U0GONE' }),
  person('hugo', HOSTILE, { slackUserId: 'U0HUGO', manager: 'evilboss' }),
  person('evilboss', HOSTILE, { slackUserId: 'U0BOSS' }),
  person('dana', 'Dana Scientist'),
];
const directory = createConfigDirectory(PEOPLE);

function item(id: string, reviewer: string, over: Partial<ReviewItem> = {}): ReviewItem {
  return {
    id,
    system: 'aws',
    account: '123456789012',
    subject: 'dana-ml',
    kind: 'iam-managed-policy',
    resource: `arn:aws:iam::aws:policy/${id.split(':').pop()}`,
    permission: 'attached',
    grantedVia: 'group:ml',
    lastUsed: '2026-05-01T10:00:00Z',
    findings: [],
    grants: {},
    reviewer,
    reviewerBasis: 'manager',
    personId: 'dana',
    ...over,
  };
}
const flag = (detail: string) => ({ findings: [{ kind: 'exceeds_role' as const, detail }] });

let slack: FakeSlack;
let smtp: SmtpPeer;
let deps: ActionDeps;
const store = createLocalReviewStore(mkdtempSync(join(tmpdir(), 'warden-review-slack-')));
const ledgerDir = mkdtempSync(join(tmpdir(), 'warden-review-ledger-'));

beforeAll(async () => {
  slack = await startFakeSlack({ token: TOKEN, channels: [{ id: 'C0SEC', name: 'sec-incidents' }], users: ['U0RITA', 'U0MAX', 'U0MAL', 'U0HUGO', 'U0BOSS'] });
  smtp = await startSmtpPeer();
  deps = {
    chat: createSlackChat({ token: TOKEN, apiUrl: slack.apiUrl }),
    mailer: createSmtpMailer({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true, from: 'warden@example.com', ledger: createFileLedger(ledgerDir) }),
  };
});
afterAll(async () => Promise.all([slack.close(), smtp.close()]));

/** A campaign of the test's own, with the reviewer's items in the store. */
async function campaignWith(reviewer: string, items: ReviewItem[]): Promise<{ campaignId: string; workflowId: string }> {
  const campaignId = `c-${randomUUID().slice(0, 8)}`;
  await store.openCampaign(campaignId, { scope: ['aws'] });
  await store.putBatch(campaignId, 'b1', items);
  return { campaignId, workflowId: reviewerWorkflowId(campaignId, reviewer) };
}

const notifyInput = (c: { campaignId: string; workflowId: string }, reviewer: string, over: Partial<ReviewNotifyInput> = {}): ReviewNotifyInput => ({
  ...c,
  reviewer,
  kind: 'assigned',
  n: 1,
  deadline: DEADLINE,
  decisions: {},
  ...over,
});

/** The idempotency key Warden tagged a message with (its Slack message metadata). */
const keyOf = (m: FakeMessage): string => (typeof m.metadata?.event_payload.idempotency_key === 'string' ? m.metadata.event_payload.idempotency_key : '');
const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage').length;
const messageAt = (where: { channel: string; ts: string }): FakeMessage => slack.messages.find((m) => m.channel === where.channel && m.ts === where.ts)!;
const repliesTo = (where: { channel: string; ts: string }) => slack.messages.filter((m) => m.channel === where.channel && m.thread_ts === where.ts && m.ts !== where.ts);

type Element = { action_id: string; value: string; text: { text: string } };
type Block = { type: string; block_id?: string; text?: { type: string; text: string }; elements?: Element[] };
const blocksOf = (m: FakeMessage) => (m.blocks ?? []) as Block[];
const buttonsOf = (m: FakeMessage) => blocksOf(m).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []).map((e) => ({ ...e, block_id: b.block_id! })) : []));
const shownItems = (m: FakeMessage) =>
  blocksOf(m)
    .filter((b) => /^review_item_\d+$/.test(b.block_id ?? ''))
    .map((b) => /`([^`]+)`/.exec(b.text!.text)![1]!);
const mrkdwnOf = (m: FakeMessage) =>
  blocksOf(m)
    .flatMap((b) => [b.text, ...((b as { elements?: unknown[] }).elements ?? [])])
    .filter((t): t is { type: string; text: string } => (t as { type?: string })?.type === 'mrkdwn')
    .map((t) => t.text);

describe('review notifications (activities, against the Slack fake and a real SMTP server)', () => {
  const notify = () => createReviewNotifyActivities({ deps, directory, store });

  it('assigned: one DM to the reviewer’s Slack user, flagged items first with Keep / Revoke and “Keep all unflagged”; a rerun posts nothing new', async () => {
    const c = await campaignWith('rita', [
      item('aws:123456789012:dana-ml:iam-managed-policy:ReadOnly', 'rita'),
      item('aws:123456789012:dana-ml:iam-managed-policy:Admin', 'rita', flag('grants Admin on Production Models; data-scientist allows Read')),
      item('github:acme:dana:github-team:ml-core', 'rita', { system: 'github', account: 'acme', kind: 'github-team', resource: 'ml-core', permission: 'member', lastUsed: undefined }),
    ]);
    const before = posts();
    const res = await notify().reviewNotifyReviewer(notifyInput(c, 'rita'));
    expect(res).toEqual({ message: { channel: slack.imOf('U0RITA'), ts: expect.any(String) as string }, slack: true, emailed: [] });
    expect(res.message!.channel).toMatch(/^D/);
    expect(posts() - before).toBe(1);

    const m = messageAt(res.message!);
    expect(shownItems(m)).toEqual(['aws:123456789012:dana-ml:iam-managed-policy:Admin', 'aws:123456789012:dana-ml:iam-managed-policy:ReadOnly', 'github:acme:dana:github-team:ml-core']);
    const b = buttonsOf(m);
    expect(b.filter((x) => x.action_id === REVIEW_KEEP_ACTION).map((x) => JSON.parse(x.value) as unknown)).toEqual(shownItems(m).map((i) => ({ w: c.workflowId, i, d: 'keep' })));
    expect(b.filter((x) => x.action_id === REVIEW_REVOKE_ACTION)).toHaveLength(3);
    expect(b.find((x) => x.action_id === REVIEW_KEEP_UNFLAGGED_ACTION)?.text.text).toBe('Keep all unflagged (2)');
    const text = mrkdwnOf(m).join('\n');
    expect(text).toContain(':warning: *dana-ml · AWS 123456789012*');
    expect(text).toContain('IAM managed policy arn:aws:iam::aws:policy/Admin (attached) via group:ml · last used 2026-05-01');
    expect(text).toContain('• exceeds role: grants Admin on Production Models; data-scientist allows Read');
    expect(text).toContain('team ml-core (member) via group:ml · last use unknown');
    expect(text).toContain(`Deadline ${DEADLINE}`);
    expect(text).toContain(`\`warden review decide ${c.campaignId} ITEM keep|revoke\``);
    expect(text).toContain(`\`POST /v1/reviews/${c.campaignId}/decisions\``);

    const again = await notify().reviewNotifyReviewer(notifyInput(c, 'rita'));
    expect(again.message).toEqual(res.message);
    expect(posts() - before).toBe(1);
    expect(slack.messages.filter((x) => x.channel === res.message!.channel && keyOf(x) === `${c.workflowId}:assigned:1`)).toHaveLength(1);
  });

  it('reminders and the close are threaded under the message, once each; the re-render shows decisions and, once closed, no buttons', async () => {
    const c = await campaignWith('rita', [item('i:a', 'rita'), item('i:b', 'rita'), item('i:c', 'rita', flag('unused for 200 days'))]);
    const { message } = await notify().reviewNotifyReviewer(notifyInput(c, 'rita'));
    const decisions = { 'i:a': 'keep' as const };
    await notify().reviewNotifyReviewer(notifyInput(c, 'rita', { kind: 'reminder', n: 1, decisions, message: message! }));
    await notify().reviewNotifyReviewer(notifyInput(c, 'rita', { kind: 'reminder', n: 1, decisions, message: message! }));
    await notify().reviewNotifyReviewer(notifyInput(c, 'rita', { kind: 'reminder', n: 2, decisions, message: message! }));
    expect(repliesTo(message!).map((r) => r.text)).toEqual([
      expect.stringContaining(`Reminder 1: *2* of your 3 items are still undecided. The deadline is *${DEADLINE}*`),
      expect.stringContaining('Reminder 2: *2* of your 3 items'),
    ]);

    await notify().reviewRenderMessage({ ...c, reviewer: 'rita', message: message!, decisions, phase: 'open', deadline: DEADLINE });
    expect(mrkdwnOf(messageAt(message!)).find((t) => t.includes('`i:a`'))).toContain('Kept');
    expect(buttonsOf(messageAt(message!)).filter((x) => x.action_id === REVIEW_KEEP_ACTION)).toHaveLength(2);

    const final = { ...decisions, 'i:b': 'keep' as const, 'i:c': 'revoke' as const };
    await notify().reviewRenderMessage({ ...c, reviewer: 'rita', message: message!, decisions: final, phase: 'closed', deadline: DEADLINE });
    expect(buttonsOf(messageAt(message!))).toEqual([]);
    const closed = await notify().reviewNotifyReviewer(notifyInput(c, 'rita', { kind: 'closed', decisions: final, message: message! }));
    expect(closed).toEqual({ message, slack: true, emailed: [] });
    expect(repliesTo(message!).at(-1)!.text).toContain('The review is closed: 2 kept, 1 revoked');
  });

  it('escalation: the manager gets the list to decide from by DM, the reviewer a note in the thread', async () => {
    const c = await campaignWith('rita', [item('e:1', 'rita', flag('grants Admin')), item('e:2', 'rita')]);
    const { message } = await notify().reviewNotifyReviewer(notifyInput(c, 'rita'));
    const res = await notify().reviewNotifyReviewer(notifyInput(c, 'rita', { kind: 'escalation', escalatedTo: 'max', message: message!, decisions: { 'e:2': 'keep' } }));
    expect(res.slack).toBe(true);

    const toMax = slack.messages.filter((m) => m.channel === slack.imOf('U0MAX') && keyOf(m) === `${c.workflowId}:escalation:1:max`);
    expect(toMax).toHaveLength(1);
    expect(mrkdwnOf(toMax[0]!).join('\n')).toContain('*Rita Reviewer has not finished* (1 still to decide');
    expect(mrkdwnOf(toMax[0]!).join('\n')).toContain(`\`warden review decide ${c.campaignId} ITEM keep|revoke --reviewer rita\``);
    expect(buttonsOf(toMax[0]!).map((x) => JSON.parse(x.value) as unknown)).toContainEqual({ w: c.workflowId, i: 'e:1', d: 'revoke' });
    expect(repliesTo(message!).map((r) => r.text)).toEqual([expect.stringContaining('Escalated to *Max Manager*: 1 of your 2 items are still undecided')]);

    await notify().reviewNotifyReviewer(notifyInput(c, 'rita', { kind: 'escalation', escalatedTo: 'max', message: message!, decisions: { 'e:2': 'keep' } }));
    expect(slack.messages.filter((m) => keyOf(m).startsWith(`${c.workflowId}:escalation:1`))).toHaveLength(2);
  });

  it('a reviewer without Slack gets an email digest with every item id and the decide command, once; reminders and escalation by email too', async () => {
    const ids = ['aws:123456789012:bob:iam-group:admins', 'github:acme:bob:github-repo:acme/models'];
    const c = await campaignWith('eve', [
      item(ids[0]!, 'eve', flag('unused for 120 days')),
      item(ids[1]!, 'eve', { system: 'github', kind: 'github-repo', resource: 'acme/models', permission: 'admin' }),
    ]);
    const before = smtp.messages.length;
    const res = await notify().reviewNotifyReviewer(notifyInput(c, 'eve'));
    expect(res).toEqual({ slack: false, emailed: ['eve@example.com'] });
    await notify().reviewNotifyReviewer(notifyInput(c, 'eve'));
    const mails = smtp.messages.slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Access review ${c.campaignId}: 2 entitlements to review by ${DEADLINE}`);
    for (const id of ids) {
      expect(mails[0]!.text).toContain(`item: ${id}`);
      expect(mails[0]!.text).toContain(`decide: warden review decide ${c.campaignId} ${id} keep|revoke`);
      expect(mails[0]!.html).toContain(`warden review decide ${c.campaignId} ${id} keep|revoke`);
    }
    expect(mails[0]!.text).toContain(`POST /v1/reviews/${c.campaignId}/decisions`);

    await notify().reviewNotifyReviewer(notifyInput(c, 'eve', { kind: 'reminder', n: 1, decisions: { [ids[1]!]: 'keep' } }));
    const esc = await notify().reviewNotifyReviewer(notifyInput(c, 'eve', { kind: 'escalation', escalatedTo: 'max', decisions: { [ids[1]!]: 'keep' } }));
    expect(esc).toEqual({ slack: true, emailed: ['eve@example.com'] });
    const later = smtp.messages.slice(before + 1);
    expect(later.map((m) => m.subject)).toEqual([`Reminder: 1 access review items to decide by ${DEADLINE} (${c.campaignId})`, `Your access review ${c.campaignId} was escalated to Max Manager`]);
    expect(later[0]!.text).toContain(`item: ${ids[0]}`);
    expect(later[0]!.text).not.toContain(`item: ${ids[1]}`);
  });

  it('hostile text from providers and the directory stays text in Slack and in email', async () => {
    const hostile = item('h:1', 'hugo', { subject: HOSTILE, resource: HOSTILE, grantedVia: HOSTILE, findings: [{ kind: 'orphaned', detail: HOSTILE }], exception: HOSTILE });
    const c = await campaignWith('hugo', [hostile]);
    const { message } = await notify().reviewNotifyReviewer(notifyInput(c, 'hugo'));
    await notify().reviewNotifyReviewer(notifyInput(c, 'hugo', { kind: 'escalation', escalatedTo: 'evilboss', message: message! }));
    const touched = slack.messages.filter((m) => keyOf(m).startsWith(c.workflowId));
    expect(touched).toHaveLength(3);
    for (const m of touched) {
      expect(m.text).not.toMatch(LIVE_MARKUP);
      expect(mrkdwnOf(m).filter((t) => LIVE_MARKUP.test(t))).toEqual([]);
    }
    expect(mrkdwnOf(messageAt(message!)).join('\n')).toContain('&lt;!channel&gt; &lt;http://evil.example|click&gt; &amp; &lt;@U0RITA&gt;');

    const e = await campaignWith('eve', [{ ...hostile, id: 'h:2', reviewer: 'eve' }]);
    const before = smtp.messages.length;
    await notify().reviewNotifyReviewer(notifyInput(e, 'eve'));
    const html = String(smtp.messages[before]!.html);
    expect(html).not.toMatch(/<!channel>|<http:\/\/evil|<@U0RITA>/);
    expect(html).toContain('&lt;http://evil.example|click&gt; &amp; &lt;@U0RITA&gt;');
  });

  it('Slack refusing the DM (unknown user) falls back to email and says why; nothing configured tells nobody', async () => {
    const c = await campaignWith('gone', [item('g:1', 'gone')]);
    const res = await notify().reviewNotifyReviewer(notifyInput(c, 'gone'));
    expect(res.slack).toBe(false);
    expect(res.emailed).toEqual(['gone@example.com']);
    expect(res.slackRefused).toMatch(/user_not_found/);

    const bare = createReviewNotifyActivities({ deps: {}, directory, store });
    const r2 = await campaignWith('rita', [item('n:1', 'rita')]);
    const before = { posts: posts(), mails: smtp.messages.length };
    expect(await bare.reviewNotifyReviewer(notifyInput(r2, 'rita'))).toEqual({ slack: false, emailed: [] });
    await bare.reviewRenderMessage({ ...r2, reviewer: 'rita', message: { channel: 'D0RITA', ts: '1.1' }, decisions: {}, phase: 'closed', deadline: DEADLINE });
    expect({ posts: posts(), mails: smtp.messages.length }).toEqual(before);
  });
});

describe('review buttons in Slack (Bolt’s HTTP receiver, signed requests, the real reviewer workflow)', () => {
  let client: Client;
  let server: Server;
  let eventsUrl: string;
  const logs: string[] = [];

  beforeAll(async () => {
    client = await suiteClient();
    const app = createSlackApp({
      signingSecret: SIGNING_SECRET,
      botToken: TOKEN,
      apiUrl: slack.apiUrl,
      client,
      signer: TEST_SIGNER,
      identities: [],
      matchByEmail: false,
      teamId: 'T0WARDEN',
      directory,
      log: (l) => void logs.push(l),
    });
    server = createHttpApp({
      health: createHealthProbe({ client, taskQueue: uniqueTaskQueue('review-slack-health') }),
      codec: new AesGcmPayloadCodec(suiteKeyring()),
      codecCorsOrigins: [],
      codecToken: 'codec-token-for-tests-0123456789',
      api: app.routes,
      log: (l) => void logs.push(l),
    });
    eventsUrl = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}${SLACK_EVENTS_PATH}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
    await client.connection.close();
  });

  let clicks = 0;
  /** A click on a button of `message`, as Slack posts it: block_actions, signed with the app's secret. */
  async function click(user: string, message: FakeMessage, actionId: string, itemId?: string, value?: string): Promise<number> {
    const button = buttonsOf(message).find((b) => b.action_id === actionId && (!itemId || (JSON.parse(b.value) as { i?: string }).i === itemId));
    if (!button) throw new Error(`no ${actionId} button for ${itemId ?? 'the review'} on message ${message.ts}`);
    clicks += 1;
    const payload = {
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0WARDEN' },
      api_app_id: 'A0WARDEN',
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      trigger_id: `${clicks}.1700000000.review${clicks}`,
      team: { id: 'T0WARDEN', domain: 'warden-test' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.channel, name: 'directmessage' },
      message: { type: 'message', ts: message.ts, text: message.text, bot_id: 'B0WARDEN', blocks: message.blocks },
      state: { values: {} },
      response_url: 'http://127.0.0.1:9/unused',
      actions: [{ action_id: actionId, block_id: button.block_id, text: button.text, value: value ?? button.value, type: 'button', action_ts: `${Date.now() / 1000}.${clicks}` }],
    };
    return (await postInteraction(eventsUrl, payload, { secret: SIGNING_SECRET })).status;
  }
  /** Runs the real Warden worker (the suite's bundle, these peers, this store) with `reviewer`'s workflow started; the deadline is `deadlineInMs` away. */
  async function withReviewer(
    c: { campaignId: string; workflowId: string },
    reviewer: string,
    deadlineInMs: number,
    fn: (handle: WorkflowHandle<typeof reviewerWorkflow>) => Promise<void>,
  ): Promise<void> {
    const input: ReviewerInput = {
      campaignId: c.campaignId,
      reviewer,
      dryRun: false,
      deadline: new Date(Date.now() + deadlineInMs).toISOString(),
      graceMs: 3_600_000,
      remindersMs: [],
      onSilence: 'keep',
    };
    await withWorker({ providers: deps, directory, reviews: { settings: DEFAULT_REVIEW_SETTINGS, store } }, { name: 'review-slack' }, async ({ taskQueue }) =>
      fn(await client.workflow.start<typeof reviewerWorkflow>('reviewerWorkflow', { taskQueue, workflowId: c.workflowId, args: [input] })),
    );
  }

  const toldFrom = () => {
    const start = slack.ephemerals.length;
    return (user: string) =>
      slack.ephemerals
        .slice(start)
        .filter((e) => e.user === user)
        .map((e) => e.text);
  };

  it('the owner’s clicks are applied; another person, an unknown Slack user, a foreign or malformed button are refused ephemerally; once closed, clicks are refused', async () => {
    const c = await campaignWith('rita', [
      item('w:flag-1', 'rita', flag('grants Admin on Production Models')),
      item('w:flag-2', 'rita', flag('access key older than 90 days')),
      item('w:plain-1', 'rita'),
      item('w:plain-2', 'rita'),
    ]);
    await withReviewer(c, 'rita', 3_600_000, async (handle) => {
      const state = () => handle.query(reviewerStateQuery);
      await expect.poll(async () => (await state()).message, { timeout: 30_000 }).toBeDefined();
      const where = (await state()).message!;
      const message = messageAt(where);
      expect(where.channel).toBe(slack.imOf('U0RITA'));
      const told = toldFrom();

      expect(await click('U0NOBODY', message, REVIEW_KEEP_ACTION, 'w:flag-1')).toBe(200);
      expect(await click('U0MAL', message, REVIEW_KEEP_ACTION, 'w:flag-1')).toBe(200);
      expect(await click('U0MAX', message, REVIEW_REVOKE_ACTION, 'w:flag-1')).toBe(200);
      expect(await click('U0RITA', message, REVIEW_KEEP_ACTION, 'w:flag-1', JSON.stringify({ w: 'incident-inc-123', i: 'w:flag-1', d: 'keep' }))).toBe(200);
      expect(await click('U0RITA', message, REVIEW_KEEP_ACTION, 'w:flag-1', '{"w":')).toBe(200);
      expect(told('U0NOBODY')).toEqual([expect.stringContaining('no person in its directory has the Slack user id `U0NOBODY`')]);
      expect(told('U0MAL')).toEqual([expect.stringMatching(/^Warden refused this decision, so nothing was recorded:\n> mallory may not decide rita's items/)]);
      expect(told('U0MAX')[0]).toContain("max may not decide rita's items");
      expect(told('U0MAX')[0]).toContain('until the deadline escalates them to the manager');
      expect(told('U0RITA')).toEqual([
        expect.stringContaining('does not belong to an access review (workflow `incident-inc-123`)'),
        expect.stringContaining('does not say which review item it decides'),
      ]);
      expect(slack.ephemerals.slice(-5).every((e) => e.channel === where.channel)).toBe(true);
      expect((await state()).decisions).toEqual({});

      expect(await click('U0RITA', message, REVIEW_KEEP_ACTION, 'w:flag-1')).toBe(200);
      expect(await click('U0RITA', message, REVIEW_REVOKE_ACTION, 'w:flag-2')).toBe(200);
      const s = await state();
      expect(Object.values(s.decisions).map((d) => [d.itemId, d.decision, d.by, d.via])).toEqual([
        ['w:flag-1', 'keep', 'rita', 'slack'],
        ['w:flag-2', 'revoke', 'rita', 'slack'],
      ]);
      expect(told('U0RITA')).toHaveLength(2);
      // The workflow re-renders the message with the decisions.
      await expect.poll(() => mrkdwnOf(messageAt(where)).find((t) => t.includes('`w:flag-2`')), { timeout: 15_000 }).toContain('Revoke');

      expect(await click('U0RITA', messageAt(where), REVIEW_KEEP_UNFLAGGED_ACTION)).toBe(200);
      const summary = await handle.result();
      expect(summary).toMatchObject({ reviewer: 'rita', items: 4, decided: 4, kept: 3, revoked: 1, keptOnSilence: 0 });
      expect((await store.readDecisions(c.campaignId, 'rita'))?.map((d) => [d.itemId, d.decision])).toEqual(
        expect.arrayContaining([
          ['w:plain-1', 'keep'],
          ['w:plain-2', 'keep'],
        ]),
      );
      await expect.poll(() => buttonsOf(messageAt(where)), { timeout: 15_000 }).toEqual([]);
      expect(repliesTo(where).at(-1)!.text).toContain('The review is closed: 3 kept, 1 revoked');

      expect(await click('U0RITA', message, REVIEW_KEEP_ACTION, 'w:plain-1')).toBe(200);
      expect(told('U0RITA').at(-1)).toBe('This access review is closed: its decisions are final, so nothing was recorded.');
    });
    expect(logs.filter((l) => /failed/.test(l))).toEqual([]);
  });

  it('after the deadline the manager decides from their own DM and gets a receipt; the reviewer’s message shows the decision', async () => {
    const c = await campaignWith('rita', [item('m:flag', 'rita', flag('grants Admin on Production Models')), item('m:plain', 'rita')]);
    await withReviewer(c, 'rita', 3_000, async (handle) => {
      const state = () => handle.query(reviewerStateQuery);
      await expect.poll(async () => (await state()).phase, { timeout: 30_000 }).toBe('escalated');
      expect((await state()).escalatedTo).toBe('max');
      const where = (await state()).message!;
      const isCopy = (m: FakeMessage) => m.channel === slack.imOf('U0MAX') && keyOf(m) === `${c.workflowId}:escalation:1:max`;
      await expect.poll(() => slack.messages.some(isCopy), { timeout: 15_000 }).toBe(true);
      const copy = slack.messages.find(isCopy)!;
      const told = toldFrom();

      expect(await click('U0MAX', copy, REVIEW_REVOKE_ACTION, 'm:flag')).toBe(200);
      expect(Object.values((await state()).decisions).map((d) => [d.itemId, d.decision, d.by, d.via])).toEqual([['m:flag', 'revoke', 'max', 'slack']]);
      expect(told('U0MAX')).toEqual(['Done: recorded revoke. 1 item still to decide.']);
      await expect.poll(() => mrkdwnOf(messageAt(where)).find((t) => t.includes('`m:flag`')), { timeout: 15_000 }).toContain('Revoke');
      expect(repliesTo(where).map((r) => r.text)).toContainEqual(expect.stringContaining('Escalated to *Max Manager*'));
      await handle.terminate('test done');
    });
  });
});
