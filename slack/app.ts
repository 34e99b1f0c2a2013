import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Authorize, type AuthorizeResult, type Logger } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Client as TemporalClient } from '@temporalio/client';
import type { DecisionSigner } from '../contracts/approval-proof.js';
import type { Directory } from '../contracts/directory.js';
import { createPersonOfIdentity } from '../config/person-of.js';
import type { IdentityConfig } from '../config/file-config.js';
import { createIdentityResolver } from './identity.js';
import { registerListeners } from './listeners/index.js';

/** An HTTP route the server mounts (the server's Route, written here so slack/ needs nothing of server/). */
export interface SlackRoute {
  readonly method: 'POST';
  readonly path: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Where Slack sends interactivity (buttons, modals) and the slash command in HTTP mode. */
export const SLACK_EVENTS_PATH = '/slack/events';
const BODY_LIMIT = 1024 * 1024;

export interface SlackAppOptions {
  readonly signingSecret: string;
  readonly botToken: string;
  /** The Web API base URL, ending in /api/ (a local fake in tests); Slack's by default. */
  readonly apiUrl?: string;
  readonly client: TemporalClient;
  /** Signs approval decisions (the server's decision key). */
  readonly signer: DecisionSigner;
  readonly identities: readonly IdentityConfig[];
  readonly matchByEmail: boolean;
  /** The one Slack workspace Warden trusts (warden.yaml slack.team_id): requests from any other are refused. */
  readonly teamId: string;
  /** The offboarding that revoked an identity's Warden access, if one did: its Slack clicks are refused too. */
  readonly revokedBy?: (identityId: string) => string | undefined;
  /** The people of warden.yaml: access review buttons decide as the person whose slack_user_id clicked. */
  readonly directory?: Directory;
  /** An app-level token (xapp-…): connect over Socket Mode instead of receiving HTTP. */
  readonly appToken?: string;
  readonly log: (msg: string) => void;
}

export interface SlackApp {
  readonly app: App;
  readonly mode: 'http' | 'socket';
  /** POST /slack/events for the Warden HTTP server (none in Socket Mode). */
  readonly routes: readonly SlackRoute[];
  /** One line for the operator: how Slack reaches Warden. */
  readonly notice: string;
  /** Connects Socket Mode; nothing to do in HTTP mode. */
  start(): Promise<void>;
  /** Disconnects Socket Mode; nothing to do in HTTP mode. */
  stop(): Promise<void>;
}

/** Bolt's logger, reduced to warnings and errors on Warden's log (Bolt never logs a secret there). */
function boltLogger(log: (msg: string) => void): Logger {
  let level = LogLevel.WARN;
  let name = 'slack';
  const line = (...msgs: unknown[]) => log(`${name}: ${msgs.map((m) => (m instanceof Error ? m.message : String(m))).join(' ')}`);
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: line,
    error: line,
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: (n) => void (name = n),
  };
}

/**
 * The bot's identity, asked once (auth.test) on the first request and kept; a failed ask is
 * retried on the next request. Asking lazily keeps a bad token from crashing the process at
 * start with an unhandled rejection, as Bolt's eager check would.
 */
function botAuthorize(web: WebClient, botToken: string, teamId: string): Authorize<boolean> {
  let known: Promise<AuthorizeResult> | undefined;
  return async (source) => {
    // A user id means something only in its workspace: a request from another one (another
    // install of the app, an Enterprise Grid sibling) never reaches a listener. Bolt acks it.
    if (source.teamId !== teamId) throw new Error(`request from Slack workspace ${source.teamId ?? '(none)'}, not ${teamId} (slack.team_id): refused`);
    known ??= web.auth.test().then((r) => ({ botToken, ...(r.bot_id ? { botId: r.bot_id } : {}), ...(r.user_id ? { botUserId: r.user_id } : {}) }));
    try {
      return await known;
    } catch (err) {
      known = undefined;
      throw err;
    }
  };
}

/** Hands a request to Bolt's own receiver (signature and timestamp checks, ack) and waits until it answered. */
function boltRoute(receiver: HTTPReceiver): SlackRoute {
  return {
    method: 'POST',
    path: SLACK_EVENTS_PATH,
    handle: (req, res) =>
      new Promise<void>((resolve) => {
        res.once('close', () => resolve());
        receiver.requestListener(req, res);
      }),
  };
}

/**
 * The Warden Slack app (Bolt): approval buttons, the reject modal and `/warden`. In HTTP mode
 * Bolt's HTTPReceiver verifies every request (v0 HMAC signature, timestamp within 5 minutes,
 * else 401) and answers after the listener ran (processBeforeResponse); the Warden HTTP server
 * routes POST /slack/events to it. With `appToken` it uses Socket Mode and needs no route.
 */
export function createSlackApp(opts: SlackAppOptions): SlackApp {
  const logger = boltLogger(opts.log);
  const clientOptions: WebClientOptions = {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    // A listener answers Slack only after its work: keep Web API retries inside Slack's patience.
    retryConfig: { retries: 2, minTimeout: 250, maxTimeout: 1000 },
    timeout: 5000,
  };
  const authorize = botAuthorize(new WebClient(opts.botToken, { ...clientOptions, logger }), opts.botToken, opts.teamId);
  const http = opts.appToken ? undefined : new HTTPReceiver({ signingSecret: opts.signingSecret, endpoints: SLACK_EVENTS_PATH, processBeforeResponse: true, bodyLimit: BODY_LIMIT, logger });
  const receiver = http ?? new SocketModeReceiver({ appToken: opts.appToken ?? '', logger, installerOptions: { clientOptions } });
  const app = new App({ receiver, authorize, logger, clientOptions });
  const identities = createIdentityResolver({ identities: opts.identities, matchByEmail: opts.matchByEmail, log: opts.log, ...(opts.revokedBy ? { revokedBy: opts.revokedBy } : {}) });
  const directory = opts.directory ? { directory: opts.directory, personOf: createPersonOfIdentity(opts.directory, opts.identities) } : {};
  registerListeners(app, { temporal: opts.client, signer: opts.signer, identities, log: opts.log, ...directory });
  app.error(async (err) => opts.log(`slack: a listener failed: ${err.message}`));
  const mapped = opts.identities.filter((i) => i.slack_user_id).length;
  const who = `${mapped} identities mapped by slack_user_id${opts.matchByEmail ? ', others by email' : ''}`;
  return {
    app,
    mode: http ? 'http' : 'socket',
    routes: http ? [boltRoute(http)] : [],
    notice: http ? `Slack app on POST ${SLACK_EVENTS_PATH} (workspace ${opts.teamId}; interactivity and /warden; ${who})` : `Slack app over Socket Mode (workspace ${opts.teamId}; ${who})`,
    start: async () => {
      if (!http) await app.start();
    },
    stop: async () => {
      if (!http) await app.stop();
    },
  };
}
