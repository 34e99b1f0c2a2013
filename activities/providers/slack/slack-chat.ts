import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient } from '@slack/web-api';
import type { ChatPostMessageArguments } from '@slack/web-api';
import type { ApplicationFailure } from '@temporalio/common';
import type { Chat, ChatMessage, ChatPostResult, ChatUpdate } from '../../ports.js';
import { failure, FailureKind } from '../../../contracts/failures.js';

const EVENT_TYPE = 'warden_message';
const CHANNEL_ID = /^[CGD][A-Z0-9]+$/;
const USER_ID = /^[UW][A-Z0-9]+$/;
const HISTORY_LIMIT = 200;
const TRANSIENT_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);
const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive']);

interface SlackMessage {
  readonly ts?: string;
  readonly metadata?: { readonly event_type?: string; readonly event_payload?: Record<string, unknown> };
}

/** What to do about a Slack error code, in words an operator can act on. */
function remedy(error: string, channel: string, needed: unknown): string {
  if (error === 'channel_not_found') return `check that ${channel} exists; for a private channel, invite the Warden app to it`;
  if (error === 'not_in_channel') return `invite the Warden app to ${channel} (/invite @Warden)`;
  if (error === 'is_archived') return `${channel} is archived; unarchive it or point the playbook at another channel`;
  if (error === 'thread_not_found') return `the thread to reply to is gone from ${channel}`;
  if (error === 'user_not_found' || error === 'user_disabled') return `check the Slack user id ${channel} (slack_user_id in warden.yaml): that user is unknown or deactivated`;
  if (AUTH_ERRORS.has(error)) return 'check SLACK_BOT_TOKEN: it is missing, revoked or for another workspace';
  if (error === 'missing_scope') return `add the ${typeof needed === 'string' ? needed : 'needed'} scope to the Slack app and reinstall it`;
  return 'see the Slack Web API docs for this error';
}

/** Turns a Web API client error into a Temporal failure; messages never carry the token. */
function translate(err: unknown, method: string, channel: string): ApplicationFailure {
  if (err instanceof WebAPIRateLimitedError) {
    return failure(FailureKind.SlackUnavailable, `Slack ${method} was rate limited; retry after ${err.retryAfter} s`, { nextRetryDelay: err.retryAfter * 1000 });
  }
  if (err instanceof WebAPIHTTPError) {
    return failure(FailureKind.SlackUnavailable, `Slack ${method} answered HTTP ${err.statusCode}`);
  }
  if (err instanceof WebAPIRequestError) {
    const cause = err.original.cause as NodeJS.ErrnoException | undefined;
    const reason = cause?.code ?? (err.original as NodeJS.ErrnoException).code ?? err.original.name;
    return failure(FailureKind.SlackUnavailable, `Slack ${method} could not be reached: ${reason}`);
  }
  if (err instanceof WebAPIPlatformError) {
    const error = err.data.error;
    if (TRANSIENT_ERRORS.has(error)) return failure(FailureKind.SlackUnavailable, `Slack ${method} failed with ${error}`);
    return failure(FailureKind.SlackRequestRejected, `Slack rejected ${method} for ${channel}: ${error}; ${remedy(error, channel, (err.data as { needed?: unknown }).needed)}`);
  }
  return failure(FailureKind.SlackUnavailable, `Slack ${method} failed: ${err instanceof Error ? err.name : 'unknown error'}`);
}

const carriesKey = (message: SlackMessage, key: string) => message.metadata?.event_type === EVENT_TYPE && message.metadata.event_payload?.idempotency_key === key;

/**
 * A Chat port on the Slack Web API. The client does not retry (`retries: 0`) and rejects
 * rate-limited calls at once: Temporal owns retries and honours Retry-After via nextRetryDelay.
 *
 * A user id (U…/W…) as the channel means a direct message: conversations.open finds (or opens)
 * the app's DM with that user, which then behaves as a channel (scopes im:write, im:history).
 *
 * Side effects: `post` sends one message (chat.postMessage) tagged with message metadata
 * `warden_message { idempotency_key, thread_key? }`. Messages with one `threadKey` (an
 * incident id) form one thread: the first is posted to the channel, later ones reply to it.
 * Idempotency: before posting it reads the newest 200 messages of the channel
 * (conversations.history), or of the thread (conversations.replies),
 * and returns `already: true` with the earlier message's ts if one carries the same key. A
 * duplicate is therefore possible only if more than 200 messages arrived after the first post,
 * or if two attempts run concurrently. Failures: rate limits, 5xx and network errors are
 * retryable `SlackUnavailable`; Slack refusals (channel_not_found, not_in_channel,
 * invalid_auth, missing_scope, …) are non-retryable `SlackRequestRejected` saying what to fix.
 */
export function createSlackChat(opts: { token: string; apiUrl?: string }): Chat {
  const client = new WebClient(opts.token, {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
  });

  const call = async <T>(method: string, channel: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw translate(err, method, channel);
    }
  };

  const resolveChannel = async (channel: string): Promise<string> => {
    if (CHANNEL_ID.test(channel)) return channel;
    if (USER_ID.test(channel)) {
      const opened = await call('conversations.open', channel, () => client.conversations.open({ users: channel }));
      if (opened.channel?.id) return opened.channel.id;
      throw failure(FailureKind.SlackUnavailable, `Slack conversations.open answered ok without a channel for ${channel}`);
    }
    const name = channel.replace(/^#/, '');
    let cursor: string | undefined;
    do {
      const page = await call('conversations.list', channel, () => client.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 200, cursor }));
      const found = page.channels?.find((c) => c.name === name);
      if (found?.id) return found.id;
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    throw failure(FailureKind.SlackRequestRejected, `Slack channel ${channel} was not found; check the name, and for a private channel invite the Warden app to it`);
  };

  const history = async (channelId: string, channel: string): Promise<SlackMessage[]> =>
    (await call('conversations.history', channel, () => client.conversations.history({ channel: channelId, include_all_metadata: true, limit: HISTORY_LIMIT }))).messages ?? [];
  const replies = async (channelId: string, channel: string, ts: string): Promise<SlackMessage[]> =>
    (await call('conversations.replies', channel, () => client.conversations.replies({ channel: channelId, ts, include_all_metadata: true, limit: HISTORY_LIMIT }))).messages ?? [];

  /** Where the message goes: its explicit thread, the thread its threadKey started, or the channel. */
  const placeOf = async (channelId: string, message: ChatMessage): Promise<{ threadTs?: string; seen: SlackMessage[] }> => {
    if (message.threadTs) return { threadTs: message.threadTs, seen: await replies(channelId, message.channel, message.threadTs) };
    const top = await history(channelId, message.channel);
    const root = message.threadKey ? top.find((m) => m.metadata?.event_type === EVENT_TYPE && m.metadata.event_payload?.thread_key === message.threadKey) : undefined;
    if (!root?.ts) return { seen: top };
    return { threadTs: root.ts, seen: [root, ...(await replies(channelId, message.channel, root.ts))] };
  };

  return {
    async post(message: ChatMessage): Promise<ChatPostResult> {
      const channelId = await resolveChannel(message.channel);
      const place = await placeOf(channelId, message);
      const earlier = place.seen.find((m) => carriesKey(m, message.idempotencyKey));
      if (earlier?.ts) return { channel: channelId, ts: earlier.ts, already: true, ...(place.threadTs ? { threadTs: place.threadTs } : {}) };

      const args = {
        channel: channelId,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
        ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
        metadata: {
          event_type: EVENT_TYPE,
          event_payload: { idempotency_key: message.idempotencyKey, ...(message.threadKey ? { thread_key: message.threadKey } : {}) },
        },
      } as ChatPostMessageArguments;
      const posted = await call('chat.postMessage', message.channel, () => client.chat.postMessage(args));
      if (!posted.ts) {
        throw failure(FailureKind.SlackUnavailable, 'Slack chat.postMessage answered ok without a message ts');
      }
      return { channel: posted.channel ?? channelId, ts: posted.ts, already: false, ...(place.threadTs ? { threadTs: place.threadTs } : {}) };
    },

    async update(message: ChatUpdate): Promise<void> {
      const channelId = await resolveChannel(message.channel);
      await call('chat.update', message.channel, () => client.chat.update({ channel: channelId, ts: message.ts, text: message.text, ...(message.blocks ? { blocks: message.blocks as never } : {}) }));
    },
  };
}
