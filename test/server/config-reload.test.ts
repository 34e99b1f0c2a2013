import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';

/**
 * warden.yaml reloaded while the server runs (POST /v1/config/reload, `warden config reload`; SIGHUP
 * in test/cli/start-output.test.ts): a valid file is swapped in whole, a broken one is refused with
 * its problems and the old one stays. Config show never shows a secret; whoami says who a token is.
 */
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const TOKENS = { admin: 'tok-admin-reload-1', viewer: 'tok-viewer-reload-1', newcomer: 'tok-newcomer-reload-1' };
/** Secrets in the environment, each distinctive, that config show must never print. */
const SECRETS = {
  WARDEN_WEBHOOK_SECRET: 'webhook-secret-never-shown-1a2b',
  WARDEN_ALERTMANAGER_TOKEN: 'am-token-never-shown-3c4d5e6f7a',
  SLACK_BOT_TOKEN: 'xoxb-never-shown-9f8e7d',
  GITHUB_TOKEN: 'ghp_nevershown0123456789',
  MLFLOW_TRACKING_PASSWORD: 'mlflow-pass-never-shown',
  SMTP_PASS: 'smtp-pass-never-shown',
  WARDEN_CODEC_TOKEN: 'codec-token-never-shown-0011',
  WARDEN_DECISION_SIGNING_KEY: 'ab'.repeat(32),
  WARDEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

const identity = (id: string, role: string, token: string, email?: string) => `  - id: ${id}\n    roles: [${role}]\n${email ? `    email: ${email}\n` : ''}    tokens: [{ sha256: ${sha(token)} }]\n`;
const BASE = `identities:\n${identity('ada', 'admin', TOKENS.admin)}${identity('vic', 'viewer', TOKENS.viewer, 'vic@example.com')}`;
const PERSON = `people:\n  - id: victor\n    name: Victor Viewer\n    email: vic@example.com\n`;

describe('warden.yaml reload, config show, whoami', () => {
  let client: Client;
  let server: WardenServer;
  let file: string;
  const call = (token: string, method: 'GET' | 'POST', path: string) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      ...(method === 'POST' ? { body: '{}' } : {}),
    });

  beforeAll(async () => {
    assertBuilt();
    client = await suiteClient();
    file = join(mkdtempSync(join(tmpdir(), 'warden-reload-')), 'warden.yaml');
    writeFileSync(file, BASE);
    server = await startWardenServer(client, uniqueTaskQueue('reload'), {
      WARDEN_CONFIG: file,
      ...SECRETS,
      SMTP_URL: `smtp://mailer:${SECRETS.SMTP_PASS}@127.0.0.1:2525`,
      WARDEN_MAIL_FROM: 'warden@example.com',
      WARDEN_GITHUB_ORG: 'acme',
      MLFLOW_TRACKING_URI: 'http://127.0.0.1:5999',
      MLFLOW_TRACKING_USERNAME: 'ml',
    });
  });
  afterAll(async () => {
    server.close();
    await client.connection.close();
  });

  it('a person and an identity added to warden.yaml after start are known after a reload', async () => {
    const before = (await (await call(TOKENS.viewer, 'GET', '/v1/whoami')).json()) as { person: unknown };
    expect(before).toMatchObject({ id: 'vic', roles: ['viewer'], person: null });
    expect((await call(TOKENS.newcomer, 'GET', '/v1/whoami')).status).toBe(401);

    const next = `${BASE}${identity('nia', 'responder', TOKENS.newcomer)}${PERSON}`;
    writeFileSync(file, next);
    const reloaded = await call(TOKENS.admin, 'POST', '/v1/config/reload');
    expect(reloaded.status).toBe(200);
    expect(await reloaded.json()).toEqual({ reloaded: true, path: file, sha256: sha(next), identities: 3, people: 1 });

    expect(await (await call(TOKENS.viewer, 'GET', '/v1/whoami')).json()).toMatchObject({ id: 'vic', person: { id: 'victor', name: 'Victor Viewer' } });
    expect(await (await call(TOKENS.newcomer, 'GET', '/v1/whoami')).json()).toMatchObject({ id: 'nia', roles: ['responder'] });
    expect(((await (await call(TOKENS.admin, 'GET', '/v1/config')).json()) as { fileSha256: string }).fileSha256).toBe(sha(next));
  });

  it('a broken file is refused with its problems (422), and the configuration in effect stays', async () => {
    const inEffect = ((await (await call(TOKENS.admin, 'GET', '/v1/config')).json()) as { fileSha256: string }).fileSha256;
    writeFileSync(file, `${BASE}  - id: broken\n    roles: [overlord]\n`);
    const refused = await call(TOKENS.admin, 'POST', '/v1/config/reload');
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { error: string; details: { message: string }[] };
    expect(body.error).toContain('not reloaded');
    expect(body.details.map((d) => d.message).join('\n')).toMatch(/identities\.2\.roles\.0/);
    // Not YAML at all: refused too.
    writeFileSync(file, 'identities: [\n');
    expect((await call(TOKENS.admin, 'POST', '/v1/config/reload')).status).toBe(422);
    // A request cannot name another file: any field is refused before anything is read.
    const named = await fetch(`${server.url}/v1/config/reload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/etc/passwd' }),
    });
    expect(named.status).toBe(400);
    // Still the previous one: its digest, its identities.
    expect(((await (await call(TOKENS.admin, 'GET', '/v1/config')).json()) as { fileSha256: string }).fileSha256).toBe(inEffect);
    expect((await call(TOKENS.newcomer, 'GET', '/v1/whoami')).status).toBe(200);
  });

  it('a non-admin may neither reload nor read the configuration (403); no token is 401', async () => {
    for (const [method, path] of [
      ['POST', '/v1/config/reload'],
      ['GET', '/v1/config'],
    ] as const) {
      expect((await call(TOKENS.viewer, method, path)).status).toBe(403);
      expect((await call(TOKENS.newcomer, method, path)).status).toBe(403);
      expect((await fetch(`${server.url}${path}`, { method })).status).toBe(401);
    }
  });

  it('config show (API and CLI) shows the effective settings and never a secret', async () => {
    const env = cleanEnv({ WARDEN_URL: server.url, WARDEN_TOKEN: TOKENS.admin, WARDEN_STATE_DIR: server.stateDir });
    const shown = await spawnCli(['config', 'show'], env).done;
    expect(shown.code, shown.stderr).toBe(0);
    const json = JSON.parse(shown.stdout) as { providers: { github: { org: string; token: string }; smtp: { host: string; pass: string } }; intake: { secrets: Record<string, string> } };
    expect(json.providers.github).toMatchObject({ org: 'acme', token: '***' });
    expect(json.providers.smtp).toMatchObject({ host: '127.0.0.1', pass: '***' });
    expect(json.intake.secrets.webhook).toBe('***');
    for (const secret of [...Object.values(SECRETS), sha(TOKENS.admin), sha(TOKENS.viewer), TOKENS.admin]) expect(shown.stdout).not.toContain(secret);
  });

  it('warden whoami and warden config reload through the CLI', { timeout: 120_000 }, async () => {
    const env = cleanEnv({ WARDEN_URL: server.url, WARDEN_TOKEN: TOKENS.viewer, WARDEN_STATE_DIR: server.stateDir });
    const me = await spawnCli(['whoami'], env).done;
    expect(me.code, me.stderr).toBe(0);
    expect(me.stdout).toMatch(/^identity\s+vic\n/);
    expect(me.stdout).toMatch(/roles\s+viewer/);
    expect(me.stdout).toContain(`state dir  ${server.stateDir} (WARDEN_STATE_DIR)`);
    expect(me.stdout).toMatch(/token from\s+WARDEN_TOKEN/);
    expect(me.stdout).toContain(`server     ${server.url}`);
    const denied = await spawnCli(['config', 'reload'], env).done;
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^warden: 403 vic may not reload the configuration/);
    // A broken file reaches the server (the CLI itself does not read warden.yaml) and is refused with its problem.
    writeFileSync(file, `${BASE}  - id: broken\n    roles: [overlord]\n`);
    const broken = await spawnCli(['config', 'reload'], { ...env, WARDEN_TOKEN: TOKENS.admin }).done;
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^warden: 422 .*warden\.yaml not reloaded: it does not validate; the previous configuration stays in effect\n.*identities\.2\.roles\.0/);
    writeFileSync(file, BASE);
    const ok = await spawnCli(['config', 'reload'], { ...env, WARDEN_TOKEN: TOKENS.admin }).done;
    expect(ok.stdout).toBe(`reloaded ${file} (sha256 ${sha(BASE)}): 2 identities, 0 people\n`);
    // nia's identity is gone from the file: her token no longer opens anything.
    expect((await call(TOKENS.newcomer, 'GET', '/v1/whoami')).status).toBe(401);
    expect((await call(TOKENS.newcomer, 'GET', '/v1/incidents')).status).toBe(401);
  });
});
