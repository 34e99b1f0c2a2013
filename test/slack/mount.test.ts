import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { loadWardenConfig } from '../../config/load.js';
import { setupApi } from '../../server/api.js';
import { createHttpApp, listen } from '../../server/app.js';
import { createHealthProbe } from '../../server/health.js';
import { suiteClient, suiteKeyring } from '../harness.js';
import { startHttpRecorder, type HttpRecorder } from '../peers/http-recorder.js';
import { SIGNING_SECRET } from './harness.js';
import { postCommand } from './sign.js';

let client: Client;
let sink: HttpRecorder;
const dir = mkdtempSync(join(tmpdir(), 'warden-slack-mount-'));
const env = { TEMPORAL_ADDRESS: '127.0.0.1:7233', WARDEN_STATE_DIR: join(dir, 'state'), WARDEN_WEBHOOK_SECRET: 'mount-test-webhook-secret', WARDEN_CONFIG: join(dir, 'warden.yaml') };
writeFileSync(env.WARDEN_CONFIG, 'slack: { team_id: T0WARDEN }\nidentities:\n  - { id: alice, roles: [responder], groups: [security-oncall], slack_user_id: U0ALICE }\n');

beforeAll(async () => {
  client = await suiteClient();
  sink = await startHttpRecorder();
});
afterAll(async () => {
  await sink.close();
  await client.connection.close();
});

/** setupApi takes the Slack variables and warden.yaml from the config loaded once, as `warden start` does. */
function setupWith(vars: Record<string, string>) {
  return setupApi(loadWardenConfig({ ...process.env, ...env, ...vars }), client, 'slack-mount', () => undefined);
}

describe('Slack app mounted by setupApi', () => {
  it('without SLACK_SIGNING_SECRET there is no Slack route', async () => {
    const api = setupWith({ SLACK_BOT_TOKEN: 'xoxb-mount' });
    expect(api.routes.some((r) => r.path === '/slack/events')).toBe(false);
    await api.stop();
  });

  it('with the Slack app on, warden.yaml must name the workspace (slack.team_id)', () => {
    const bare = join(dir, 'no-team.yaml');
    writeFileSync(bare, 'identities:\n  - { id: alice, roles: [responder], groups: [security-oncall], slack_user_id: U0ALICE }\n');
    const config = loadWardenConfig({ ...process.env, ...env, WARDEN_CONFIG: bare, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-mount' });
    expect(() => setupApi(config, client, 'slack-mount', () => undefined)).toThrow(/slack\.team_id: required/);
  });

  it('with SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, POST /slack/events on the Warden server is the Slack app, with the identities of warden.yaml', async () => {
    const api = setupWith({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-mount', SLACK_API_URL: `${sink.url}/api/` });
    expect(api.notices).toContain('Slack app on POST /slack/events (workspace T0WARDEN; interactivity and /warden; 1 identities mapped by slack_user_id)');
    const server: Server = createHttpApp({
      health: createHealthProbe({ client, taskQueue: 'slack-mount' }),
      codec: new AesGcmPayloadCodec(suiteKeyring()),
      codecCorsOrigins: [],
      codecToken: 'codec-token-for-tests-0123456789',
      api: api.routes,
      log: () => undefined,
    });
    const port = await listen(server, '127.0.0.1', 0);
    try {
      const res = await postCommand(
        `http://127.0.0.1:${port}/slack/events`,
        { command: '/warden', text: 'show t-not-there', user_id: 'U0ALICE', user_name: 'alice', team_id: 'T0WARDEN', channel_id: 'C0SEC', response_url: `${sink.url}/mounted`, trigger_id: '1.2.3' },
        { secret: SIGNING_SECRET },
      );
      expect(res.status).toBe(200);
      expect(sink.requests.find((r) => r.path === '/mounted')?.body).toEqual({ response_type: 'ephemeral', text: 'There is no incident `t-not-there`.' });
      const bad = await postCommand(`http://127.0.0.1:${port}/slack/events`, { command: '/warden', text: 'help' }, { secret: 'wrong-secret' });
      expect(bad.status).toBe(401);
    } finally {
      server.close();
      await api.stop();
    }
  });
});
