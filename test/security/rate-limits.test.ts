/**
 * Rate limits keyed on the authenticated credential (issue #14, point 14), against the API that
 * `warden start` builds (setupApi) on a real HTTP server and the suite's dev server. A sender
 * cannot escape its limit by writing another `source`, and one caller's flood does not use up
 * another's; decision routes and the codec are limited too.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../server/auth/webhook-signature.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { startWardenServer, workflowsOn, type WardenServer } from '../helpers/warden-server.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const TOKENS = { olga: 'tok-olga-rate-0123456789', rui: 'tok-rui-rate-0123456789' };
const dir = mkdtempSync(join(tmpdir(), 'warden-rate-'));
const taskQueue = uniqueTaskQueue('rate-limits');
/** Burst 10 (the minimum), then 1 a minute: the 11th request within the test is over the limit. */
const env = {
  WARDEN_STATE_DIR: join(dir, 'state'),
  WARDEN_CONFIG: join(dir, 'warden.yaml'),
  WARDEN_DRY_RUN: 'true',
  WARDEN_ALERT_RATE_PER_MINUTE: '1',
  WARDEN_API_RATE_PER_MINUTE: '1',
};
writeFileSync(
  env.WARDEN_CONFIG,
  ['identities:', ...Object.entries(TOKENS).map(([id, t]) => `  - { id: ${id}, roles: [responder], groups: [security-oncall], tokens: [{ sha256: ${sha(t)} }] }`)].join('\n'),
);

let client: Client;
let warden: WardenServer;
let url: string;
let codecToken: string;

beforeAll(async () => {
  client = await suiteClient();
  warden = await startWardenServer(client, taskQueue, env, { codecRatePerMinute: 2 });
  ({ url } = warden);
  codecToken = warden.secret('codec');
});
afterAll(async () => {
  warden?.close();
  await client?.connection.close();
});

const secret = (name: 'webhook' | 'alertmanager') => warden.secret(name);
const post = (path: string, body: unknown, headers: Record<string, string>) => {
  const raw = JSON.stringify(body);
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
};
const alertFrom = (source: string) => {
  const body = { type: 'credential.leaked', severity: 'high', title: 'flood', source, fingerprint: randomUUID() };
  return post('/v1/alerts', body, signedHeaders(secret('webhook'), { method: 'POST', path: '/v1/alerts', body: JSON.stringify(body) }));
};
const workflowCount = async () => (await workflowsOn(client, taskQueue)).length;

describe('alert intake is limited per sender credential', () => {
  it('a new `source` in each alert does not escape the limit: the 11th is 429 and starts nothing; another credential still gets in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await alertFrom(`source-${i}-${randomUUID()}`)).status);
    expect(statuses).toEqual(Array(10).fill(202));
    const limited = await alertFrom(`yet-another-${randomUUID()}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: string }).error).toContain('WARDEN_WEBHOOK_SECRET');
    await expect.poll(workflowCount).toBe(10);
    const hook = JSON.parse(readFileSync(new URL('../fixtures/alerts/alertmanager-v4.json', import.meta.url), 'utf8')) as { alerts: object[] };
    const am = await post('/v1/alerts/alertmanager', { ...hook, alerts: [{ ...hook.alerts[0], fingerprint: randomUUID().slice(0, 16) }] }, { authorization: `Bearer ${secret('alertmanager')}` });
    expect(am.status).toBe(202);
  });
});

describe('decision routes are limited per API identity', () => {
  it("one responder's flood of approvals gets 429; another responder is not held back", async () => {
    const approve = (token: string) => post(`/v1/incidents/inc-nonexistent/approvals/step`, { decision: 'approve', reason: 'flood' }, { authorization: `Bearer ${token}` });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await approve(TOKENS.olga)).status);
    expect(statuses.slice(0, 10).every((s) => s !== 429)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect((await approve(TOKENS.rui)).status).not.toBe(429);
    // Reads are not limited.
    expect((await fetch(`${url}/v1/incidents`, { headers: { authorization: `Bearer ${TOKENS.olga}` } })).status).toBe(200);
  });
});

describe('the codec endpoint is limited per presented token', () => {
  it('beyond its rate: 429 with Retry-After', async () => {
    const encode = () => post('/codec/encode', { payloads: [] }, { authorization: `Bearer ${codecToken}` });
    expect((await encode()).status).toBe(200);
    expect((await encode()).status).toBe(200);
    const limited = await encode();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });
});
