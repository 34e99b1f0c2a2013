import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackChat } from '../../activities/providers/slack/slack-chat.js';
import { startFakeSlack } from '../peers/fake-slack.js';
import type { FakeSlack } from '../peers/fake-slack.js';

const token = `xoxb-${randomBytes(12).toString('hex')}`;
const SEC = 'C0SECINC01';

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the call to fail');
}

describe('Slack chat adapter against a fake Slack Web API', () => {
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await startFakeSlack({
      token,
      channels: [
        { id: 'C0GENERAL1', name: 'general' },
        { id: 'C0RANDOM01', name: 'random' },
        { id: SEC, name: 'sec-incidents' },
        { id: 'C0QUIET001', name: 'quiet', isMember: false },
      ],
      users: ['U0MONA0001'],
    });
  });
  afterAll(async () => slack.close());

  it('posts to #sec-incidents, resolved by name across conversations.list pages, with text and metadata', async () => {
    const chat = createSlackChat({ token, apiUrl: slack.apiUrl });
    const result = await chat.post({ channel: '#sec-incidents', text: 'Incident 42 opened', idempotencyKey: 'incident-42/open' });

    expect(result).toMatchObject({ channel: SEC, already: false });
    const posted = slack.messages.filter((m) => m.channel === SEC && m.ts === result.ts);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.text).toBe('Incident 42 opened');
    expect(posted[0]?.metadata).toEqual({ event_type: 'warden_message', event_payload: { idempotency_key: 'incident-42/open' } });
    expect(slack.calls.filter((c) => c.method === 'conversations.list').length).toBeGreaterThan(1);
  });

  it('does not post twice under the same idempotency key, and reports already', async () => {
    const chat = createSlackChat({ token, apiUrl: slack.apiUrl });
    const message = { channel: SEC, text: 'Containment done', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*done*' } }], idempotencyKey: 'incident-42/contained' };
    const first = await chat.post(message);
    const second = await chat.post(message);

    expect(second).toEqual({ channel: SEC, ts: first.ts, already: true });
    const withKey = slack.messages.filter((m) => m.metadata?.event_payload.idempotency_key === 'incident-42/contained');
    expect(withKey).toHaveLength(1);
    expect(withKey[0]?.blocks).toEqual(message.blocks);
  });

  it('replies in a thread, once per key', async () => {
    const chat = createSlackChat({ token, apiUrl: slack.apiUrl });
    const parent = await chat.post({ channel: SEC, text: 'Approval needed', idempotencyKey: 'incident-43/approval' });
    const reply = { channel: SEC, text: 'Approved by alice', threadTs: parent.ts, idempotencyKey: 'incident-43/approved' };
    const first = await chat.post(reply);
    const again = await chat.post(reply);

    expect(first.already).toBe(false);
    expect(again).toEqual({ channel: SEC, ts: first.ts, already: true, threadTs: parent.ts });
    const inThread = slack.messages.filter((m) => m.thread_ts === parent.ts);
    expect(inThread).toHaveLength(1);
    expect(inThread[0]?.text).toBe('Approved by alice');
  });

  it('threads every message of one incident under the first, and starts a new thread for another incident', async () => {
    const chat = createSlackChat({ token, apiUrl: slack.apiUrl });
    const root = await chat.post({ channel: SEC, text: 'incident 50 opened', threadKey: 'inc-50', idempotencyKey: 'inc-50/open' });
    const reply = await chat.post({ channel: SEC, text: 'incident 50 contained', threadKey: 'inc-50', idempotencyKey: 'inc-50/contained' });
    const again = await chat.post({ channel: SEC, text: 'incident 50 contained', threadKey: 'inc-50', idempotencyKey: 'inc-50/contained' });
    const other = await chat.post({ channel: SEC, text: 'incident 51 opened', threadKey: 'inc-51', idempotencyKey: 'inc-51/open' });

    expect(root.threadTs).toBeUndefined();
    expect(reply).toMatchObject({ threadTs: root.ts, already: false });
    expect(again).toMatchObject({ ts: reply.ts, already: true });
    expect(other.threadTs).toBeUndefined();
    const stored = slack.messages.find((m) => m.ts === reply.ts);
    expect(stored?.thread_ts).toBe(root.ts);
    expect(slack.messages.filter((m) => m.metadata?.event_payload.thread_key === 'inc-50')).toHaveLength(2);
  });

  it('fails non-retryably with SlackRequestRejected for an unknown channel', async () => {
    const chat = createSlackChat({ token, apiUrl: slack.apiUrl });
    const byId = await failureOf(chat.post({ channel: 'C0NOTHERE1', text: 'x', idempotencyKey: 'k-missing-id' }));
    expect(byId.type).toBe('SlackRequestRejected');
    expect(byId.nonRetryable).toBe(true);
    expect(byId.message).toMatch(/channel_not_found/);

    const byName = await failureOf(chat.post({ channel: '#no-such-channel', text: 'x', idempotencyKey: 'k-missing-name' }));
    expect(byName.type).toBe('SlackRequestRejected');
    expect(byName.nonRetryable).toBe(true);
    expect(byName.message).toMatch(/#no-such-channel.*invite the Warden app/);
  });

  it("sends a direct message to a user id in the app's IM with them, once per key; an unknown user is refused saying what to check", async () => {
    const chat = createSlackChat({ token, apiUrl: slack.apiUrl });
    const message = { channel: 'U0MONA0001', text: 'Offboarding of Dana: report', threadKey: 'offboarding-dana', idempotencyKey: 'offboarding-dana:report:slack-dm' };
    const first = await chat.post(message);
    const second = await chat.post(message);

    const im = slack.imOf('U0MONA0001');
    expect(im).toMatch(/^D/);
    expect(first).toMatchObject({ channel: im, already: false });
    expect(second).toMatchObject({ channel: im, ts: first.ts, already: true });
    expect(slack.messages.filter((m) => m.channel === im)).toEqual([expect.objectContaining({ text: message.text, ts: first.ts })]);
    expect(slack.calls.filter((c) => c.method === 'conversations.open').map((c) => c.params.users)).toEqual(['U0MONA0001', 'U0MONA0001']);

    const unknown = await failureOf(chat.post({ ...message, channel: 'U0GONE0001', idempotencyKey: 'k-gone' }));
    expect(unknown).toMatchObject({ type: 'SlackRequestRejected', nonRetryable: true });
    expect(unknown.message).toMatch(/user_not_found.*slack_user_id/);
  });

  it('says to invite the app when it is not in the channel', async () => {
    const chat = createSlackChat({ token, apiUrl: slack.apiUrl });
    const failure = await failureOf(chat.post({ channel: '#quiet', text: 'x', idempotencyKey: 'k-quiet' }));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/not_in_channel.*invite the Warden app to #quiet/);
  });

  it('fails retryably with SlackUnavailable on HTTP 429, carrying Retry-After', async () => {
    const chat = createSlackChat({ token, apiUrl: slack.apiUrl });
    const before = slack.messages.length;
    slack.rateLimitNext();
    const failure = await failureOf(chat.post({ channel: SEC, text: 'x', idempotencyKey: 'k-429' }));
    expect(failure.type).toBe('SlackUnavailable');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toMatch(/retry after 1 s/);
    expect(failure.nextRetryDelay).toBe(1000);
    expect(slack.messages.length).toBe(before);
  });

  it('fails retryably with SlackUnavailable on HTTP 500', async () => {
    const chat = createSlackChat({ token, apiUrl: slack.apiUrl });
    slack.setServerError(true);
    try {
      const failure = await failureOf(chat.post({ channel: SEC, text: 'x', idempotencyKey: 'k-500' }));
      expect(failure.type).toBe('SlackUnavailable');
      expect(failure.nonRetryable).toBe(false);
    } finally {
      slack.setServerError(false);
    }
  });

  it('rejects a wrong token without ever echoing a token', async () => {
    const wrong = `xoxb-${randomBytes(12).toString('hex')}`;
    const chat = createSlackChat({ token: wrong, apiUrl: slack.apiUrl });
    const failure = await failureOf(chat.post({ channel: '#sec-incidents', text: 'x', idempotencyKey: 'k-auth' }));
    expect(failure.type).toBe('SlackRequestRejected');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/invalid_auth.*SLACK_BOT_TOKEN/);

    const messages = [failure.message, JSON.stringify(failure.details ?? null)];
    slack.rateLimitNext();
    messages.push((await failureOf(createSlackChat({ token, apiUrl: slack.apiUrl }).post({ channel: SEC, text: 'x', idempotencyKey: 'k-t' }))).message);
    for (const text of messages) {
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(token);
    }
  });
});
