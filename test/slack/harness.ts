import type { Server } from 'node:http';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { expect } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import type { IdentityConfig } from '../../config/file-config.js';
import type { Directory } from '../../contracts/directory.js';
import type { LoadedPlaybook } from '../../playbook/load.js';
import { createHttpApp, listen } from '../../server/app.js';
import { createHealthProbe } from '../../server/health.js';
import { createSlackApp, SLACK_EVENTS_PATH } from '../../slack/app.js';
import type { ApprovalRecord, IncidentState } from '../../contracts/incident.js';
import { HEADER, playbook, SLACK_TOKEN, startPeers, state, type Peers } from '../helpers/incident.js';
import { TEST_SIGNER } from '../helpers/decisions.js';
import { REASON_BLOCK, REASON_INPUT } from '../../slack/reject-modal.js';
import { suiteClient, suiteKeyring, uniqueTaskQueue } from '../harness.js';
import type { FakeMessage } from '../peers/fake-slack.js';
import { startHttpRecorder, type HttpRecorder } from '../peers/http-recorder.js';
import { postCommand, postInteraction, type SignOptions, type SlackPost } from './sign.js';

export const SIGNING_SECRET = 'e2c4f1a9b7d3c5e8f0a2b4c6d8e0f1a3';

const person = (id: string, slackUserId: string, groups: string[], role: IdentityConfig['roles'][number] = 'responder'): IdentityConfig => ({
  id,
  roles: [role],
  groups,
  slack_user_id: slackUserId,
  tokens: [],
});

/** The people of these tests and their Slack user ids. carol opens the incidents (four-eyes); vera may only read. */
export const IDENTITIES: readonly IdentityConfig[] = [
  person('alice', 'U0ALICE', ['security-oncall']),
  person('bob', 'U0BOB', ['security-oncall']),
  person('mallory', 'U0MAL', ['engineering']),
  person('carol', 'U0CAROL', ['security-oncall']),
  person('mo', 'U0MLOPS', ['mlops']),
  person('mia', 'U0MIA', ['mlops']),
  person('vera', 'U0VERA', ['security-oncall'], 'viewer'),
];

/** The real Warden HTTP server with the Slack route, the fake Slack Web API, a response_url sink and Temporal. */
export interface SlackHarness {
  readonly eventsUrl: string;
  readonly peers: Peers;
  readonly client: Client;
  /** Records what the app posts to response_url (respond()). */
  readonly sink: HttpRecorder;
  /** The app's log lines. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** Starts the harness: each test then runs its own worker on its own task queue. */
export async function startSlackHarness(opts: { revokedBy?: (identityId: string) => string | undefined; directory?: Directory } = {}): Promise<SlackHarness> {
  const client = await suiteClient();
  const peers = await startPeers();
  const sink = await startHttpRecorder();
  const logs: string[] = [];
  const log = (msg: string) => void logs.push(msg);
  const slack = createSlackApp({
    signingSecret: SIGNING_SECRET,
    botToken: SLACK_TOKEN,
    apiUrl: peers.slack.apiUrl,
    client,
    signer: TEST_SIGNER,
    identities: IDENTITIES,
    matchByEmail: false,
    teamId: 'T0WARDEN',
    ...opts,
    log,
  });
  const server: Server = createHttpApp({
    health: createHealthProbe({ client, taskQueue: uniqueTaskQueue('slack-health') }),
    codec: new AesGcmPayloadCodec(suiteKeyring()),
    codecCorsOrigins: [],
    codecToken: 'codec-token-for-tests-0123456789',
    api: slack.routes,
    log,
  });
  const port = await listen(server, '127.0.0.1', 0);
  return {
    eventsUrl: `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`,
    peers,
    client,
    sink,
    logs,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await Promise.all([peers.close(), sink.close()]);
      await client.connection.close();
    },
  };
}

/** A playbook whose contain step (an HTTP call to the recorder) waits for security-oncall. */
export function gatedPlaybook(url: string, approval = '{ groups: [security-oncall], quorum: 1, timeout: 10m, fourEyes: true }', path = '/contain'): LoadedPlaybook {
  return playbook(`${HEADER}
phases:
  contain:
    - id: contain_host
      action: http.request
      with: { url: "${url}${path}" }
      approval: ${approval}
  lessons:
    - id: wrap_up
      action: incident.setSeverity
      with: { severity: low }
`);
}

/** Waits until `stepId` awaits approval and its message is in Slack; returns that message. */
export async function approvalMessage(h: SlackHarness, handle: WorkflowHandle, stepId: string): Promise<FakeMessage> {
  await expect.poll(async () => (await state(handle)).steps[stepId]?.approval?.slack, { timeout: 30_000 }).toBeDefined();
  const shown = (await state(handle)).steps[stepId]!.approval!.slack!;
  return h.peers.slack.messages.find((m) => m.channel === shown.channel && m.ts === shown.ts)!;
}

/** The message as it is in Slack now (after any chat.update). */
export const current = (h: SlackHarness, m: FakeMessage): FakeMessage => h.peers.slack.messages.find((x) => x.channel === m.channel && x.ts === m.ts)!;

/** The record of the step's approval. */
export async function approval(handle: WorkflowHandle, stepId: string): Promise<ApprovalRecord> {
  return (await state(handle)).steps[stepId]!.approval!;
}

/** A button of an approval message, as rendered by the workflow. */
export function button(message: FakeMessage, actionId: string): { block_id: string; value: string; text: unknown } {
  const actions = (message.blocks as { type: string; block_id?: string; elements?: { action_id: string; value: string; text: unknown }[] }[]).find((b) => b.type === 'actions');
  const element = actions?.elements?.find((e) => e.action_id === actionId);
  if (!actions?.block_id || !element) throw new Error(`no ${actionId} button on message ${message.ts}`);
  return { block_id: actions.block_id, value: element.value, text: element.text };
}

let triggers = 0;
/** A block_actions payload for a click on `actionId`, shaped as Slack sends it. */
export function clickPayload(h: SlackHarness, user: string, message: FakeMessage, actionId: string, value?: string): Record<string, unknown> {
  const b = button(message, actionId);
  triggers += 1;
  return {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0WARDEN' },
    api_app_id: 'A0WARDEN',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: `${triggers}.1700000000.abcdef${triggers}`,
    team: { id: 'T0WARDEN', domain: 'warden-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: 'sec-incidents' },
    message: { type: 'message', ts: message.ts, text: message.text, bot_id: 'B0WARDEN', blocks: message.blocks },
    state: { values: {} },
    response_url: `${h.sink.url}/actions/${triggers}`,
    actions: [
      {
        action_id: actionId,
        block_id: b.block_id,
        text: b.text,
        value: value ?? b.value,
        style: actionId.endsWith('approve') ? 'primary' : 'danger',
        type: 'button',
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** Clicks a button of an approval message as `user`, signed with the harness's secret unless told otherwise. */
export function click(h: SlackHarness, user: string, message: FakeMessage, actionId: string, opts: Partial<SignOptions> & { value?: string } = {}): Promise<SlackPost> {
  return postInteraction(h.eventsUrl, clickPayload(h, user, message, actionId, opts.value), { secret: SIGNING_SECRET, ...opts });
}

/** From now on: the ephemerals shown to a user (each test starts its own count). */
export function ephemeralsFrom(h: SlackHarness): (user: string) => string[] {
  const start = h.peers.slack.ephemerals.length;
  return (user) =>
    h.peers.slack.ephemerals
      .slice(start)
      .filter((e) => e.user === user)
      .map((e) => e.text);
}

/** The votes of a step, as [approver, decision, via]. */
export const votesOf = (s: IncidentState, stepId: string): string[][] => (s.steps[stepId]?.approval?.votes ?? []).map((v) => [v.approver, v.decision, v.via]);

let commands = 0;
/** Types `/warden <text>` as `user` in #sec-incidents; resolves with the HTTP answer and what the app posted to response_url. */
export async function slashWarden(h: SlackHarness, user: string, text: string): Promise<{ http: SlackPost; answers: { response_type?: string; text?: string }[] }> {
  commands += 1;
  const path = `/commands/${commands}`;
  const http = await postCommand(
    h.eventsUrl,
    {
      token: 'legacy-verification-token',
      team_id: 'T0WARDEN',
      team_domain: 'warden-test',
      channel_id: 'C0SEC',
      channel_name: 'sec-incidents',
      user_id: user,
      user_name: user.toLowerCase(),
      command: '/warden',
      text,
      api_app_id: 'A0WARDEN',
      is_enterprise_install: 'false',
      response_url: `${h.sink.url}${path}`,
      trigger_id: `${commands}.1700000001.cmd`,
    },
    { secret: SIGNING_SECRET },
  );
  return { http, answers: h.sink.requests.filter((r) => r.path === path).map((r) => r.body as { response_type?: string; text?: string }) };
}

/** The modal Warden opened, submitted by `user` with `reason`, shaped as Slack posts a view_submission. */
function submission(opened: Record<string, unknown>, user: string, reason: string): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: 'T0WARDEN', domain: 'warden-test' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0WARDEN' },
    api_app_id: 'A0WARDEN',
    token: 'legacy-verification-token',
    trigger_id: `9.1700000000.${user}`,
    view: {
      ...opened,
      id: 'V0REJECT',
      team_id: 'T0WARDEN',
      state: { values: { [REASON_BLOCK]: { [REASON_INPUT]: { type: 'plain_text_input', value: reason } } } },
      hash: '1700000000.abcdef',
      root_view_id: 'V0REJECT',
      previous_view_id: null,
      app_id: 'A0WARDEN',
      app_installed_team_id: 'T0WARDEN',
      bot_id: 'B0WARDEN',
      external_id: '',
      clear_on_close: false,
      notify_on_close: false,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** Submits a modal Warden opened (the reason modal), Slack-signed. */
export const submitModal = (h: SlackHarness, opened: Record<string, unknown>, user: string, reason: string): Promise<SlackPost> =>
  postInteraction(h.eventsUrl, submission(opened, user, reason), { secret: SIGNING_SECRET });
