/**
 * Property-based fuzzing of every route (issue #14, point 19) of the server `warden start` builds
 * (setupApi and the HTTP app) on a real server and the suite's dev server: whatever the method,
 * path parameters, content type, credential-looking headers and body (JSON of any shape, deep
 * nesting, garbage), no answer is a 5xx, and no refused request starts a workflow.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../server/auth/webhook-signature.js';
import type { Route } from '../../server/router.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { startWardenServer, workflowsOn, type WardenServer } from '../helpers/warden-server.js';
import { mlflowHeaders } from '../../server/auth/mlflow-signature.js';

const taskQueue = uniqueTaskQueue('fuzz');
let client: Client;
let warden: WardenServer;
let url: string;
let routes: readonly Route[];
const TOKEN = 'fuzz-responder-token-0123456789';

beforeAll(async () => {
  client = await suiteClient();
  const dir = mkdtempSync(join(tmpdir(), 'warden-fuzz-'));
  const sha = createHash('sha256').update(TOKEN).digest('hex');
  writeFileSync(join(dir, 'warden.yaml'), `identities:\n  - { id: fuzzer, roles: [admin], groups: [security-oncall], tokens: [{ sha256: ${sha} }] }\n`);
  warden = await startWardenServer(client, taskQueue, { WARDEN_CONFIG: join(dir, 'warden.yaml'), WARDEN_API_RATE_PER_MINUTE: '100000' });
  ({ url } = warden);
  routes = warden.api.routes;
});
afterAll(async () => {
  warden?.close();
  await client?.connection.close();
});

const CODEC_PATHS = ['/codec/encode', '/codec/decode'];
const secret = (name: 'webhook' | 'github' | 'alertmanager' | 'guardduty' | 'mlflow' | 'codec') => warden.secret(name);

/** The right credential for the route, so that the body gets past authentication and is parsed and validated. */
function authentic(method: string, route: string, pathAndQuery: string, raw: string): Record<string, string> {
  if (route === '/v1/alerts') return signedHeaders(secret('webhook'), { method, path: pathAndQuery, body: raw });
  if (route === '/v1/alerts/alertmanager') return { authorization: `Bearer ${secret('alertmanager')}` };
  if (route === '/v1/alerts/guardduty') return { authorization: `Bearer ${secret('guardduty')}` };
  if (route === '/v1/alerts/github-secret-scanning') return { 'x-hub-signature-256': `sha256=${createHmac('sha256', secret('github')).update(raw).digest('hex')}`, 'x-github-delivery': randomUUID() };
  if (route === '/v1/alerts/mlflow') return mlflowHeaders(secret('mlflow'), raw, randomUUID());
  if (route.startsWith('/codec/')) return { authorization: `Bearer ${secret('codec')}` };
  return { authorization: `Bearer ${TOKEN}` };
}

const deep = fc.integer({ min: 1, max: 5000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);
/** A well-formed alert whose details nest past the limit (65 to 10000 levels, under every route's 64 KiB body limit): only the depth limit refuses it. */
const deepAlert = fc
  .integer({ min: 65, max: 10_000 })
  .map((n) => `{"type":"credential.leaked","severity":"high","title":"deep","source":"fuzz","details":${'{"a":'.repeat(n - 1)}1${'}'.repeat(n - 1)}}`);
const body = fc.oneof(
  fc.json({ depthSize: 'large' }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 300 }),
  deep,
  fc.integer({ min: 1, max: 5000 }).map((n) => '{"a":'.repeat(n)),
  fc.constant(''),
);
const segment = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('..', '%2e%2e', '%ZZ', 'inc-x', 'a'.repeat(300))).map((s) => encodeURIComponent(s) || 'x');
const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', ''),
    authorization: fc.oneof(
      fc.constantFrom('Bearer ', 'Bearer x', 'Basic Zm9vOmJhcg=='),
      fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
    ),
    'x-warden-signature': fc.constantFrom(`sha256=${'0'.repeat(64)}`, 'sha256=', 'garbage'),
    'x-warden-timestamp': fc.constantFrom(String(Math.floor(Date.now() / 1000)), '-1', '99999999999999', 'soon'),
    'x-warden-delivery': fc.constantFrom('delivery-0001', '', 'a'.repeat(200)),
    'x-hub-signature-256': fc.constantFrom(`sha256=${'f'.repeat(64)}`, 'sha1=00'),
    'x-github-event': fc.constantFrom('secret_scanning_alert', 'ping', 'push'),
    origin: fc.constantFrom('http://evil.example', 'null'),
  },
  { requiredKeys: [] },
);

describe('fuzzing every route', () => {
  it('no input produces a 5xx, and nothing refused starts a workflow', async () => {
    const paths = [...routes.map((r) => ({ method: r.method, path: r.path })), ...CODEC_PATHS.map((path) => ({ method: 'POST' as const, path }))].filter((r) => r.path !== '/healthz');
    const request = fc.record({
      route: fc.constantFrom(...paths),
      method: fc.oneof(fc.constant(undefined), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH')),
      params: fc.array(segment, { minLength: 4, maxLength: 4 }),
      query: fc.constantFrom('', '?dry_run=maybe', '?dry_run=false', '?status=%00', `?x=${'y'.repeat(2000)}`),
      headers,
      body,
      authentic: fc.boolean(),
    });
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        const path = r.route.path.replace(/:[a-zA-Z]+/g, () => r.params[i++]!);
        const method = r.method ?? r.route.method;
        const sent = { ...r.headers, ...(r.authentic ? authentic(method, r.route.path, `${path}${r.query}`, r.body) : {}) };
        const res = await fetch(`${url}${path}${r.query}`, { method, headers: sent, ...(method === 'GET' ? {} : { body: r.body }) });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        // An admin's reload of the unchanged warden.yaml (body {}) changes nothing: it may succeed like a read.
        const rereads = method === 'POST' && r.route.path === '/v1/config/reload' && r.authentic;
        // Public reads: the API's description, and which ways to log in there are (the login page asks before any session).
        const publicRead = method === 'GET' && (r.route.path === '/openapi.json' || r.route.path === '/console/login-methods');
        const readOnly = publicRead || (method === 'GET' && r.authentic) || rereads;
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        if (!readOnly) expect(res.status, `${method} ${path} was not refused`).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 300 },
    );
    expect(await workflowsOn(client, taskQueue)).toEqual([]);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  }, 240_000);

  it('a well-formed body nested past the limit, with the right credential, is refused with 400 on every route that reads one', async () => {
    const posts = [...routes.filter((r) => r.method === 'POST').map((r) => r.path), ...CODEC_PATHS];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...posts), deepAlert, async (route, raw) => {
        const path = route.replace(/:[a-zA-Z]+/g, 'x');
        const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...authentic('POST', route, path, raw) }, body: raw });
        const text = await res.text();
        expect(res.status, `POST ${path}: ${text.slice(0, 200)}`).toBe(400);
      }),
      { numRuns: 60 },
    );
    expect(await workflowsOn(client, taskQueue)).toEqual([]);
  }, 120_000);
});
