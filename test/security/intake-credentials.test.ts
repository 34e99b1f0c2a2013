/**
 * Intake credentials and replay (issue #14, points 1 and 13), against the real stack: the API that
 * `warden start` builds (setupApi) on a real HTTP server and the suite's Temporal dev server.
 * Each alert sender holds one credential that opens its own route only; a captured request is
 * accepted once; a refused request starts or signals no workflow.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config.js';
import { loadWardenConfig } from '../../config/load.js';
import { STATE_SECRETS } from '../../config/state-secrets.js';
import { setupApi } from '../../server/api.js';
import { createDeliveryMemory } from '../../server/auth/delivery-memory.js';
import { signedHeaders } from '../../server/auth/webhook-signature.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { startWardenServer, workflowsOn, type WardenServer } from '../helpers/warden-server.js';

const ROUTES = { webhook: '/v1/alerts', github: '/v1/alerts/github-secret-scanning', alertmanager: '/v1/alerts/alertmanager', guardduty: '/v1/alerts/guardduty' } as const;
type Sender = keyof typeof ROUTES;
const SENDERS = Object.keys(ROUTES) as Sender[];

let client: Client;
let warden: WardenServer;
let url: string;
let stateDir: string;
let notices: readonly string[];
const taskQueue = uniqueTaskQueue('intake-credentials');

beforeAll(async () => {
  client = await suiteClient();
  warden = await startWardenServer(client, taskQueue, { WARDEN_DRY_RUN: 'true' });
  ({ url, stateDir } = warden);
  notices = warden.api.notices;
});
afterAll(async () => {
  warden?.close();
  await client?.connection.close();
});

const credential = (sender: Sender): string => readFileSync(join(stateDir, STATE_SECRETS[sender].file), 'utf8').trim();

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}`, import.meta.url), 'utf8')) as Record<string, unknown> & { alerts: Record<string, unknown>[]; detail: Record<string, unknown> };

/** A valid body for each route (the senders' own shapes), unique so that each accepted one opens its own incident. */
function bodyFor(sender: Sender): unknown {
  const id = randomUUID();
  if (sender === 'alertmanager') {
    const hook = fixture('alertmanager-v4.json');
    return { ...hook, alerts: [{ ...hook.alerts[0], fingerprint: id.replace(/-/g, '').slice(0, 16) }] };
  }
  if (sender === 'guardduty') {
    const event = fixture('guardduty-credential-exfiltration.json');
    return { ...event, id, detail: { ...event.detail, id: id.replace(/-/g, '') } };
  }
  if (sender === 'github') return { action: 'created', alert: { number: 1 }, repository: { full_name: `o/${id}` } };
  return { type: 'credential.leaked', severity: 'high', title: 'key in repo', source: 'scanner', fingerprint: id };
}

/** Headers presenting `secret` the way `as` sends it, on a request to `path`. */
function present(as: Sender, secret: string, path: string, raw: string): Record<string, string> {
  if (as === 'webhook') return signedHeaders(secret, { method: 'POST', path, body: raw });
  if (as === 'github')
    return { 'x-github-event': 'secret_scanning_alert', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` };
  return { authorization: `Bearer ${secret}` };
}

const post = (path: string, raw: string, headers: Record<string, string>) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });

const workflowsOnQueue = () => workflowsOn(client, taskQueue);

const signalsOf = async (workflowId: string): Promise<number> =>
  ((await client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;

describe('warden start gives each alert sender its own credential', () => {
  it('generates each into the state dir as a 0600 file, says where, and no two are equal', () => {
    const values = SENDERS.map(credential);
    expect(new Set(values).size).toBe(4);
    for (const sender of SENDERS) {
      const file = join(stateDir, STATE_SECRETS[sender].file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(notices.join('\n')).toContain(`generated ${STATE_SECRETS[sender].variable} into ${file}`);
      expect(notices.join('\n')).not.toContain(credential(sender));
    }
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
  });

  it('refuses to start when two sources are configured with the same value, naming both variables and neither value', () => {
    const same = 'the-same-token-for-two-senders';
    const config = loadWardenConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', WARDEN_STATE_DIR: stateDir, WARDEN_ALERTMANAGER_TOKEN: same, WARDEN_GUARDDUTY_TOKEN: same });
    let error: unknown;
    try {
      setupApi(config, client, taskQueue, () => undefined);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as ConfigError).message)).toMatch(/WARDEN_GUARDDUTY_TOKEN: has the same value as WARDEN_ALERTMANAGER_TOKEN/);
    expect(String((error as ConfigError).message)).not.toContain(same);
  });
});

describe('an alert credential opens its own route only', () => {
  for (const route of SENDERS) {
    for (const as of SENDERS.filter((s) => s !== route)) {
      it(`the ${as} credential on ${ROUTES[route]}: 401`, async () => {
        const raw = JSON.stringify(bodyFor(route));
        const res = await post(ROUTES[route], raw, present(route, credential(as), ROUTES[route], raw));
        expect(res.status).toBe(401);
        expect(JSON.stringify(await res.json())).not.toContain(credential(as));
      });
    }
  }

  it('no refused request started a workflow; each route takes its own credential', async () => {
    expect(await workflowsOnQueue()).toEqual([]);
    for (const sender of ['webhook', 'alertmanager', 'guardduty'] as const) {
      const raw = JSON.stringify(bodyFor(sender));
      expect((await post(ROUTES[sender], raw, present(sender, credential(sender), ROUTES[sender], raw))).status).toBe(202);
    }
    expect(await workflowsOnQueue()).toHaveLength(3);
  });
});

describe('a captured request is accepted once', () => {
  it('Warden format: the same request again is 200 "duplicate delivery, ignored", and the incident got one signal', async () => {
    const raw = JSON.stringify(bodyFor('webhook'));
    const headers = present('webhook', credential('webhook'), '/v1/alerts', raw);
    const first = await post('/v1/alerts', raw, headers);
    expect(first.status).toBe(202);
    const { workflowId } = (await first.json()) as { workflowId: string };
    const replays = await Promise.all([post('/v1/alerts', raw, headers), post('/v1/alerts', raw, headers)]);
    for (const replay of replays) {
      expect(replay.status).toBe(200);
      expect(await replay.json()).toEqual({ result: 'duplicate delivery, ignored', delivery: headers['x-warden-delivery'] });
    }
    expect(await signalsOf(workflowId)).toBe(1);
  });

  it('a captured request replayed after the window: 401, nothing started', async () => {
    const before = await workflowsOnQueue();
    const raw = JSON.stringify(bodyFor('webhook'));
    const old = signedHeaders(credential('webhook'), { method: 'POST', path: '/v1/alerts', body: raw, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const res = await post('/v1/alerts', raw, old);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/more than 5 minutes from now: replay refused/);
    expect(await workflowsOnQueue()).toEqual(before);
  });

  it('GitHub: the same X-GitHub-Delivery again is ignored', async () => {
    const raw = JSON.stringify({ zen: 'Anything added dilutes everything else.', hook_id: 7 });
    const headers: Record<string, string> = { ...present('github', credential('github'), ROUTES.github, raw), 'x-github-event': 'ping' };
    expect((await post(ROUTES.github, raw, headers)).status).toBe(200);
    const again = await post(ROUTES.github, raw, headers);
    expect(await again.json()).toEqual({ result: 'duplicate delivery, ignored', delivery: headers['x-github-delivery'] });
  });
});

describe('the delivery memory', () => {
  it('forgets an id after the window, never early: when full it refuses instead', () => {
    const memory = createDeliveryMemory(1000, 2);
    expect(memory.claim('a', 0)).toBe('new');
    expect(memory.claim('a', 999)).toBe('duplicate');
    expect(memory.claim('b', 10)).toBe('new');
    expect(memory.claim('c', 20)).toBe('full');
    expect(memory.claim('a', 1001)).toBe('new');
    memory.release('a');
    expect(memory.claim('a', 1002)).toBe('new');
  });
});
