/**
 * The codec endpoint (issue #14, point 15), as `warden start` builds it (setupApi, then the HTTP
 * app) on a real server: it always requires its own token (generated 0600 when unset), answers
 * only the configured UI origin, and refuses to decode plaintext while keys are configured.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { ConfigError } from '../../config/config.js';
import { loadWardenConfig } from '../../config/load.js';
import { STATE_SECRETS } from '../../config/state-secrets.js';
import { setupApi } from '../../server/api.js';
import { fromPayload as wire } from '../../server/routes/codec.js';
import { suiteClient, suiteKeyring, uniqueTaskQueue } from '../harness.js';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';

const UI = 'http://127.0.0.1:8233';
const env = { TEMPORAL_ADDRESS: '127.0.0.1:7233', WARDEN_CODEC_CORS_ORIGINS: UI };
let client: Client;
let warden: WardenServer;
const codec = new AesGcmPayloadCodec(suiteKeyring());

beforeAll(async () => {
  client = await suiteClient();
  warden = await startWardenServer(client, uniqueTaskQueue('codec-token'), env);
});
afterAll(async () => {
  warden?.close();
  await client?.connection.close();
});

const file = (name: keyof typeof STATE_SECRETS) => join(warden.stateDir, STATE_SECRETS[name].file);
const token = () => warden.secret('codec');
const decode = (payloads: unknown[], headers: Record<string, string>) =>
  fetch(`${warden.url}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ payloads }) });
const secretPayload = async () => wire((await codec.encode([defaultPayloadConverter.toPayload({ key: 'AKIA-SECRET-IN-HISTORY' })]))[0]!);

describe('the codec token', () => {
  it('is generated into the state dir (0600) and shown by warden start, distinct from every alert credential', () => {
    expect(statSync(file('codec')).mode & 0o777).toBe(0o600);
    expect(warden.api.notices.join('\n')).toContain(`generated WARDEN_CODEC_TOKEN into ${file('codec')}`);
    for (const name of ['webhook', 'github', 'alertmanager', 'guardduty'] as const) expect(warden.secret(name)).not.toBe(token());
  });

  it('is required: no token, a wrong one, or an alert credential cannot decrypt (401, nothing decoded)', async () => {
    const payload = await secretPayload();
    for (const headers of [{ authorization: '' }, { authorization: 'Bearer not-the-codec-token-at-all' }, { authorization: `Bearer ${warden.secret('webhook')}` }]) {
      const res = await decode([payload], headers);
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(text).not.toContain('AKIA-SECRET-IN-HISTORY');
      expect(text).not.toContain(token());
    }
    const ok = await decode([payload], { authorization: `Bearer ${token()}` });
    expect(ok.status).toBe(200);
    expect(JSON.stringify(await ok.json())).toContain(Buffer.from(JSON.stringify({ key: 'AKIA-SECRET-IN-HISTORY' })).toString('base64'));
  });

  it('refuses to start when WARDEN_CODEC_TOKEN equals an alert credential', () => {
    const same = 'codec-and-webhook-share-this';
    expect(() => setupApi(loadWardenConfig({ ...env, WARDEN_STATE_DIR: warden.stateDir, WARDEN_CODEC_TOKEN: same, WARDEN_WEBHOOK_SECRET: same }), client, 'x', () => undefined)).toThrow(ConfigError);
  });
});

describe('CORS and plaintext', () => {
  it('answers only the configured UI origin, and refuses a wildcard origin setting', async () => {
    const evil = await decode([], { authorization: `Bearer ${token()}`, origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const ui = await decode([], { authorization: `Bearer ${token()}`, origin: UI });
    expect(ui.headers.get('access-control-allow-origin')).toBe(UI);
    expect(() => loadWardenConfig({ ...env, WARDEN_CODEC_CORS_ORIGINS: '*' })).toThrow(/WARDEN_CODEC_CORS_ORIGINS/);
  });

  it('with keys configured, /decode refuses a plaintext payload (422, the field named) but passes binary/null', async () => {
    const plain = wire(defaultPayloadConverter.toPayload({ probe: 'plaintext' }));
    const refused = await decode([await secretPayload(), plain], { authorization: `Bearer ${token()}` });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: 'plaintext payload refused', details: [{ path: 'payloads.1.metadata.encoding' }] });
    const nil = wire(defaultPayloadConverter.toPayload(undefined));
    const passed = await decode([nil], { authorization: `Bearer ${token()}` });
    expect(passed.status).toBe(200);
    expect(await passed.json()).toEqual({ payloads: [nil] });
  });
});
