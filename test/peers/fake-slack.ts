import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { freePort } from '../helpers/ports.js';

export interface FakeChannel {
  readonly id: string;
  readonly name: string;
  readonly isPrivate?: boolean;
  /** Whether the app is a member; posting or reading history otherwise fails with not_in_channel. */
  readonly isMember?: boolean;
}

export interface FakeMessage {
  readonly channel: string;
  readonly ts: string;
  readonly text: string;
  readonly blocks?: unknown[];
  readonly thread_ts?: string;
  readonly metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface FakeSlack {
  /** Base URL for WebClient's slackApiUrl, ending in /api/. */
  readonly apiUrl: string;
  /** Every message posted, in order. */
  readonly messages: FakeMessage[];
  /** Every Web API call received, in order. */
  readonly calls: { method: string; params: Record<string, string> }[];
  /** chat.postEphemeral messages, in order. */
  readonly ephemerals: { channel: string; user: string; text: string }[];
  /** views.open calls, in order. */
  readonly views: { trigger_id: string; view: Record<string, unknown> }[];
  /** The id of the app's direct-message channel with a user, once conversations.open (or a post to the user id) opened it. */
  imOf(user: string): string | undefined;
  /** Answers the next call with HTTP 429 and Retry-After: 1, once. */
  rateLimitNext(): void;
  /** While on, answers every call with HTTP 500. */
  setServerError(on: boolean): void;
  close(): Promise<void>;
}

type Params = Record<string, string>;
type Answer = Record<string, unknown>;

async function readParams(req: IncomingMessage): Promise<Params> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
    const parsed = JSON.parse(raw || '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

const parseJson = <T>(value: string | undefined): T | undefined => (value ? (JSON.parse(value) as T) : undefined);

const USER_ID = /^[UW][A-Z0-9]+$/;

/**
 * A stateful fake of the Slack Web API over real HTTP on 127.0.0.1, answering the shapes the
 * official docs give for the methods Warden uses. conversations.list pages two channels at a
 * time (Slack may return fewer than `limit`), so callers must follow next_cursor. Direct
 * messages work as in Slack: conversations.open { users } opens (or finds) the app's IM with a
 * user, a D… channel that history and postMessage then take; postMessage to a user id posts
 * there too. Users are `opts.users` when given, else any well-formed user id.
 */
export async function startFakeSlack(opts: { token: string; channels: readonly FakeChannel[]; users?: readonly string[] }): Promise<FakeSlack> {
  const messages: FakeMessage[] = [];
  const calls: { method: string; params: Params }[] = [];
  const ephemerals: FakeSlack['ephemerals'] = [];
  const views: FakeSlack['views'] = [];
  let rateLimitOnce = false;
  let serverError = false;
  let clock = 1_700_000_000;

  const ims = new Map<string, FakeChannel>();
  const knownUser = (user: string) => (opts.users ? opts.users.includes(user) : USER_ID.test(user));
  const openIm = (user: string): FakeChannel => {
    const im = ims.get(user) ?? { id: `D${user.slice(1)}`, name: user };
    ims.set(user, im);
    return im;
  };
  const channelFor = (idOrName: string | undefined) =>
    opts.channels.find((c) => c.id === idOrName || `#${c.name}` === idOrName || c.name === idOrName) ?? [...ims.values()].find((c) => c.id === idOrName);
  /** chat.postMessage alone also takes a user id, and posts to the app's IM with them. */
  const postTarget = (idOrName: string | undefined) => channelFor(idOrName) ?? (idOrName && USER_ID.test(idOrName) && knownUser(idOrName) ? openIm(idOrName) : undefined);

  const render = (m: FakeMessage, withMetadata: boolean): Answer => ({
    type: 'message',
    text: m.text,
    ts: m.ts,
    bot_id: 'B0WARDEN',
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  });

  const methods: Record<string, (p: Params) => Answer> = {
    'auth.test': () => ({ ok: true, url: 'https://warden-test.slack.com/', team: 'Warden Test', user: 'warden', team_id: 'T0WARDEN', user_id: 'U0WARDEN', bot_id: 'B0WARDEN' }),
    'conversations.list': (p) => {
      const start = p.cursor ? Number(Buffer.from(p.cursor, 'base64').toString('utf8')) : 0;
      const end = start + Math.min(2, Number(p.limit ?? 100));
      const page = opts.channels.slice(start, end).map((c) => ({
        id: c.id,
        name: c.name,
        is_channel: true,
        is_private: c.isPrivate ?? false,
        is_archived: false,
        is_member: c.isMember ?? true,
      }));
      const next = end < opts.channels.length ? Buffer.from(String(end)).toString('base64') : '';
      return { ok: true, channels: page, response_metadata: { next_cursor: next } };
    },
    'conversations.open': (p) => {
      const users = (p.users ?? '').split(',').filter(Boolean);
      if (users.length !== 1) return { ok: false, error: users.length ? 'not_supported' : 'users_list_not_supplied' };
      const user = users[0]!;
      if (!knownUser(user)) return { ok: false, error: 'user_not_found' };
      const already = ims.has(user);
      return { ok: true, ...(already ? { no_op: true, already_open: true } : {}), channel: { id: openIm(user).id } };
    },
    'conversations.history': (p) => {
      const channel = channelFor(p.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (channel.isMember === false) return { ok: false, error: 'not_in_channel' };
      const top = messages.filter((m) => m.channel === channel.id && (!m.thread_ts || m.thread_ts === m.ts));
      const newestFirst = top.reverse().slice(0, Number(p.limit ?? 100));
      const rendered = newestFirst.map((m) => render(m, p.include_all_metadata === 'true'));
      return { ok: true, messages: rendered, has_more: false, response_metadata: { next_cursor: '' } };
    },
    'conversations.replies': (p) => {
      const channel = channelFor(p.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const parent = messages.find((m) => m.channel === channel.id && m.ts === p.ts);
      if (!parent) return { ok: false, error: 'thread_not_found' };
      const thread = messages.filter((m) => m.channel === channel.id && (m === parent || m.thread_ts === p.ts));
      const rendered = thread.map((m) => render(m, p.include_all_metadata === 'true'));
      return { ok: true, messages: rendered, has_more: false, response_metadata: { next_cursor: '' } };
    },
    'chat.postMessage': (p) => {
      const channel = postTarget(p.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (channel.isMember === false) return { ok: false, error: 'not_in_channel' };
      if (!p.text && !p.blocks) return { ok: false, error: 'no_text' };
      clock += 1;
      const message: FakeMessage = {
        channel: channel.id,
        ts: `${clock}.000100`,
        text: p.text ?? '',
        ...(p.blocks ? { blocks: parseJson<unknown[]>(p.blocks) } : {}),
        ...(p.thread_ts ? { thread_ts: p.thread_ts } : {}),
        ...(p.metadata ? { metadata: parseJson<FakeMessage['metadata']>(p.metadata) } : {}),
      };
      messages.push(message);
      return { ok: true, channel: channel.id, ts: message.ts, message: render(message, true) };
    },
    'chat.update': (p) => {
      const channel = channelFor(p.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const i = messages.findIndex((m) => m.channel === channel.id && m.ts === p.ts);
      if (i < 0) return { ok: false, error: 'message_not_found' };
      const old = messages[i]!;
      const updated: FakeMessage = { ...old, text: p.text ?? old.text, ...(p.blocks ? { blocks: parseJson<unknown[]>(p.blocks) } : {}) };
      messages[i] = updated;
      return { ok: true, channel: channel.id, ts: updated.ts, text: updated.text };
    },
    'chat.postEphemeral': (p) => {
      const channel = channelFor(p.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!p.user) return { ok: false, error: 'user_not_in_channel' };
      clock += 1;
      ephemerals.push({ channel: channel.id, user: p.user, text: p.text ?? '' });
      return { ok: true, message_ts: `${clock}.000200` };
    },
    'views.open': (p) => {
      if (!p.trigger_id) return { ok: false, error: 'invalid_trigger_id' };
      const view = parseJson<Record<string, unknown>>(p.view) ?? {};
      views.push({ trigger_id: p.trigger_id, view });
      return { ok: true, view: { id: `V${views.length}`, ...view } };
    },
  };

  const answer = (res: ServerResponse, status: number, body: Answer, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const params = await readParams(req);
    calls.push({ method, params });
    if (serverError) return answer(res, 500, { ok: false, error: 'internal_error' });
    if (rateLimitOnce) {
      rateLimitOnce = false;
      return answer(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? params.token;
    if (!bearer) return answer(res, 200, { ok: false, error: 'not_authed' });
    if (bearer !== opts.token) return answer(res, 200, { ok: false, error: 'invalid_auth' });
    const run = methods[method];
    return answer(res, 200, run ? run(params) : { ok: false, error: 'unknown_method' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => answer(res, 500, { ok: false, error: 'fake_slack_crashed' }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    ephemerals,
    views,
    messages,
    calls,
    imOf: (user) => ims.get(user)?.id,
    rateLimitNext: () => {
      rateLimitOnce = true;
    },
    setServerError: (on) => {
      serverError = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
