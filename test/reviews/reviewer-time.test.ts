import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileLedger } from '../../activities/providers/idempotency/file-ledger.js';
import { createSlackChat } from '../../activities/providers/slack/slack-chat.js';
import { createSmtpMailer } from '../../activities/providers/email/smtp-mailer.js';
import type { ReviewItem } from '../../contracts/review-types.js';
import { reviewDecideUpdate, reviewerStateQuery, reviewerWorkflowId, type ReviewerInput } from '../../contracts/reviews.js';
import type { reviewerWorkflow } from '../../workflows/reviews/reviewer.js';
import { startFakeSlack, type FakeSlack } from '../peers/fake-slack.js';
import { startSmtpPeer, type SmtpPeer } from '../peers/smtp-peer.js';
import { createTimeSkippingEnv, startWorker, type TestWorker } from '../harness.js';
import { directoryOf, reviewSettings, tempStore } from './fixture.js';

/**
 * One reviewer's fortnight, on the time-skipping server: reminders 7, 3 and 1 days before the
 * deadline, escalation to the manager at the deadline, and the on-silence policy after the
 * two-day grace period; the Slack and email peers show who was told what, and when.
 */
const DAY = 86_400_000;
const TOKEN = 'xoxb-review-time';
let env: TestWorkflowEnvironment;
let slack: FakeSlack;
let smtp: SmtpPeer;
let worker: TestWorker;
const { store } = tempStore();
const PEOPLE = [
  { id: 'max', name: 'Max Manager', email: 'max@example.com' },
  { id: 'rita', name: 'Rita Reviewer', email: 'rita@example.com', manager: 'max', slack_user_id: 'U0RITA' },
  { id: 'sol', name: 'Sol Subject', email: 'sol@example.com', manager: 'rita' },
];

function item(campaign: string, resource: string, over: Partial<ReviewItem> = {}): ReviewItem {
  return {
    id: `aws:123456789012:sol:iam-group:${resource}`,
    system: 'aws',
    account: '123456789012',
    subject: 'sol',
    kind: 'iam-group',
    resource,
    permission: 'member',
    grantedVia: 'direct',
    personId: 'sol',
    findings: [],
    grants: {},
    reviewer: 'rita',
    reviewerBasis: 'manager',
    ...over,
  } satisfies ReviewItem;
}

/** rita reviews three of sol's groups: one flagged, one not, one flagged but an exception. */
async function seed(campaign: string): Promise<void> {
  await store.openCampaign(campaign, { scope: ['aws'] });
  await store.putBatch(campaign, 'aws-000000', [
    item(campaign, 'admins', { findings: [{ kind: 'exceeds_role', detail: 'grants Admin on Production Models; data-scientist allows Read' }] }),
    item(campaign, 'data-scientists'),
    item(campaign, 'break-glass', { findings: [{ kind: 'unused', detail: 'not used for 200 days' }], exception: 'on-call break-glass access' }),
  ]);
}

beforeAll(async () => {
  [env, slack, smtp] = await Promise.all([createTimeSkippingEnv(), startFakeSlack({ token: TOKEN, channels: [], users: ['U0RITA'] }), startSmtpPeer()]);
  const dir = mkdtempSync(join(tmpdir(), 'warden-review-time-'));
  const providers = {
    chat: createSlackChat({ token: TOKEN, apiUrl: slack.apiUrl }),
    mailer: createSmtpMailer({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true, from: 'warden@example.com', ledger: createFileLedger(join(dir, 'ledger')) }),
  };
  worker = await startWorker({ providers, directory: directoryOf(PEOPLE), reviews: { settings: reviewSettings({ fallback_reviewers: [] }), store } }, { env, name: 'review-time' });
}, 120_000);

afterAll(async () => {
  await worker?.shutdown();
  await Promise.all([slack?.close(), smtp?.close()]);
  await env?.teardown();
});

async function startReviewer(campaign: string, over: Partial<ReviewerInput> = {}) {
  const deadline = new Date((await env.currentTimeMs()) + 14 * DAY).toISOString();
  const input: ReviewerInput = { campaignId: campaign, reviewer: 'rita', dryRun: false, deadline, graceMs: 2 * DAY, remindersMs: [7 * DAY, 3 * DAY, 1 * DAY], onSilence: 'revoke-flagged', ...over };
  const handle = await env.client.workflow.start<typeof reviewerWorkflow>('reviewerWorkflow', { taskQueue: worker.taskQueue, workflowId: reviewerWorkflowId(campaign, 'rita'), args: [input] });
  return { handle, deadline: Date.parse(deadline) };
}

/** The reviewer's item ids, once the workflow has loaded them. */
async function itemIds(handle: Awaited<ReturnType<typeof startReviewer>>['handle']): Promise<string[]> {
  for (;;) {
    const s = await handle.query(reviewerStateQuery);
    if (s.items.length) return s.items.map((i) => i.id);
  }
}

describe('a reviewer who stays silent, on the time-skipping server', () => {
  it('is reminded 7, 3 and 1 days before the deadline, escalated to the manager, and the policy decides after the grace period', async () => {
    const campaign = 'silent';
    await seed(campaign);
    const { handle, deadline } = await startReviewer(campaign);
    const summary = await handle.result();
    expect(summary).toEqual({
      reviewer: 'rita',
      items: 3,
      decided: 0,
      kept: 0,
      revoked: 0,
      keptOnSilence: 1,
      revokedOnSilence: 1,
      exceptionsKept: 1,
      escalated: true,
      maxHistoryLength: expect.any(Number) as number,
    });

    const state = await handle.query(reviewerStateQuery);
    expect(state).toMatchObject({ phase: 'closed', escalatedTo: 'max', remindersSent: 3 });
    // Each reminder went out at its offset before the deadline (the timeline records when).
    const at = (event: RegExp) => state.timeline.filter((t) => event.test(t.event)).map((t) => Date.parse(t.at));
    expect(at(/^reminder sent/).map((t) => Math.round((deadline - t) / DAY))).toEqual([7, 3, 1]);
    const [escalatedAt] = at(/escalated to max/);
    expect(Math.abs(escalatedAt! - deadline)).toBeLessThan(60_000);
    const closedAt = Date.parse(Object.values(state.decisions)[0]!.at);
    expect(Math.round((closedAt - deadline) / DAY)).toBe(2);

    // The policy: flagged revoked, unflagged kept, the exception kept with its reason.
    const decisionOf = (resource: string) => state.decisions[`aws:123456789012:sol:iam-group:${resource}`];
    expect(decisionOf('admins')).toMatchObject({ decision: 'revoke', via: 'silence', by: 'policy:revoke-flagged' });
    expect(decisionOf('data-scientists')).toMatchObject({ decision: 'keep', via: 'silence' });
    expect(decisionOf('break-glass')).toMatchObject({ decision: 'keep', via: 'silence', reason: 'exception: on-call break-glass access' });
    expect((await store.readDecisions(campaign, 'rita'))?.map((d) => d.decision).sort()).toEqual(['keep', 'keep', 'revoke']);

    // Who was told: rita on Slack (the list, then three reminders in its thread), max by email.
    const dm = slack.messages.filter((m) => m.channel === 'D0RITA');
    const root = dm.find((m) => !m.thread_ts)!;
    // Re-rendered in place at the close, with the outcome.
    expect(root.text).toBe('Access review silent is closed: 2 kept, 1 revoked');
    const replies = dm.filter((m) => m.thread_ts === root.ts);
    expect(replies.filter((m) => /remind/i.test(m.text))).toHaveLength(3);
    const toMax = smtp.messages.filter((m) => JSON.stringify(m.to).includes('max@example.com'));
    expect(toMax).toHaveLength(1);
    expect(toMax[0]?.text).toContain('Rita Reviewer');
  });

  it('a reviewer who decides everything early closes at once: no reminder, no escalation', async () => {
    const campaign = 'prompt';
    await seed(campaign);
    const { handle } = await startReviewer(campaign);
    const ids = await itemIds(handle);
    const refused = handle.executeUpdate(reviewDecideUpdate, { args: [{ by: 'max', via: 'api', decisions: [{ item: ids[0]!, decision: 'keep' }] }] });
    await expect(refused).rejects.toMatchObject({ cause: { message: expect.stringContaining('until the deadline escalates') as unknown } });
    await handle.executeUpdate(reviewDecideUpdate, { args: [{ by: 'rita', via: 'slack', decisions: ids.map((item) => ({ item, decision: 'keep' as const })) }] });
    const summary = await handle.result();
    expect(summary).toMatchObject({ items: 3, decided: 3, kept: 3, escalated: false });
    const state = await handle.query(reviewerStateQuery);
    expect(state.remindersSent).toBe(0);
    const late = handle.executeUpdate(reviewDecideUpdate, { args: [{ by: 'rita', via: 'api', decisions: [{ item: ids[0]!, decision: 'revoke' }] }] });
    await expect(late).rejects.toThrow();
  });

  it('decided one item at a time past its event limit, continues as new and carries every decision over', async () => {
    const campaign = 'one-by-one';
    await seed(campaign);
    const { handle } = await startReviewer(campaign, { continueAsNewAfterEvents: 12 });
    const ids = await itemIds(handle);
    const runs = new Set<string>();
    for (const [n, item] of ids.entries()) {
      // Each decision goes to whichever run is current: the workflow id, not a run id.
      const current = env.client.workflow.getHandle(reviewerWorkflowId(campaign, 'rita'));
      runs.add((await current.describe()).runId);
      await current.executeUpdate(reviewDecideUpdate, { args: [{ by: 'rita', via: 'api', decisions: [{ item, decision: n === 0 ? 'revoke' : 'keep' }] }] });
      // Let the run reach its next safe point.
      await env.sleep(1_000);
    }
    const summary = await env.client.workflow.getHandle<typeof reviewerWorkflow>(reviewerWorkflowId(campaign, 'rita')).result();
    expect(summary).toMatchObject({ items: 3, decided: 3, kept: 2, revoked: 1 });
    expect(summary.maxHistoryLength).toBeGreaterThan(0);
    expect(runs.size).toBeGreaterThan(1);
    expect((await store.readDecisions(campaign, 'rita'))?.filter((d) => d.by === 'rita')).toHaveLength(3);
  });
});
