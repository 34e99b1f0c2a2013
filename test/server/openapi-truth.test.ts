/**
 * server/openapi.json does not lie about what the server sends (issue #17): the whole API as
 * `warden start` builds it, over a real incident on the suite's Temporal, read through
 * documentedFetch, which fails on any status the document does not list for the operation and on
 * any JSON body that does not validate against the schema it documents. The reviews, offboarding,
 * KPI, inventory and audit API tests read through it too.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentStateQuery } from '../../contracts/incident.js';
import { checkDocumented, checked, documentedFetch } from '../helpers/documented-fetch.js';
import { alert, gatedPlaybook, startIncident } from '../helpers/incident.js';
import { SECRET, senderHeaders } from '../helpers/intake.js';
import { startWardenServer, terminateAllOn, type WardenServer } from '../helpers/warden-server.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';

const tokens = { olga: 'tok-truth-olga-0123456789', vera: 'tok-truth-vera-0123456789', adam: 'tok-truth-adam-0123456789' };
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const gated = gatedPlaybook();

let client: Client;
let warden: WardenServer;
const taskQueue = uniqueTaskQueue('openapi-truth');

beforeAll(async () => {
  client = await suiteClient();
  const dir = mkdtempSync(join(tmpdir(), 'warden-truth-'));
  writeFileSync(
    join(dir, 'warden.yaml'),
    [
      'identities:',
      `  - { id: olga, roles: [responder], groups: [security-oncall], tokens: [{ sha256: ${sha(tokens.olga)} }] }`,
      `  - { id: vera, roles: [viewer], tokens: [{ sha256: ${sha(tokens.vera)} }] }`,
      `  - { id: adam, roles: [admin], tokens: [{ sha256: ${sha(tokens.adam)} }] }`,
      'people:',
      '  - { id: olga, name: Olga, email: olga@example.com }',
    ].join('\n'),
  );
  warden = await startWardenServer(client, taskQueue, { WARDEN_STATE_DIR: join(dir, 'state'), WARDEN_CONFIG: join(dir, 'warden.yaml'), WARDEN_WEBHOOK_SECRET: SECRET });
}, 60_000);
afterAll(async () => {
  await terminateAllOn(client, taskQueue);
  warden?.close();
  await client?.connection.close();
});

const as = (token: string | undefined, method: 'GET' | 'POST', path: string, body?: unknown) =>
  documentedFetch(`${warden.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

describe('the OpenAPI document against the running server', () => {
  it('documents what the incident, approval, health, identity and configuration routes send, errors included', { timeout: 90_000 }, async () => {
    await withWorker({ providers: {} }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, gated, alert({ principal: { user: 'mallory' } }));
      const id = handle.workflowId.replace(/^incident-/, '');
      await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.hold_the_line?.status, { timeout: 30_000 }).toBe('awaiting-approval');

      expect((await as(tokens.vera, 'GET', `/v1/incidents/${id}`)).status).toBe(200);
      await expect
        .poll(async () => ((await (await as(tokens.vera, 'GET', '/v1/incidents?limit=50')).json()) as { incidents: unknown[] }).incidents, { timeout: 20_000 })
        .toEqual(expect.arrayContaining([expect.objectContaining({ incidentId: id })]));
      // The namespace is shared with the rest of the suite: other incidents may be listed, and wait on olga too.
      await expect
        .poll(async () => ((await (await as(tokens.olga, 'GET', '/v1/approvals')).json()) as { approvals: unknown[] }).approvals, { timeout: 20_000 })
        .toEqual(expect.arrayContaining([expect.objectContaining({ incidentId: id })]));
      expect((await as(tokens.olga, 'POST', `/v1/incidents/${id}/acknowledge`, {})).status).toBe(200);
      expect((await as(tokens.olga, 'POST', `/v1/incidents/${id}/notes`, { text: 'looking' })).status).toBe(201);
      expect((await as(tokens.olga, 'POST', `/v1/incidents/${id}/steps/hold_the_line`, { action: 'retry' })).status).toBe(409);
      expect((await as(tokens.olga, 'POST', `/v1/incidents/${id}/cancel`, { reason: 'a test' })).status).toBe(202);
      expect((await as(tokens.vera, 'GET', `/v1/incidents/${id}`)).status).toBe(200);
      await expect.poll(async () => (await as(undefined, 'GET', '/healthz')).status, { timeout: 20_000 }).toBe(200);
      const alertBody = JSON.stringify({ type: 'openapi.truth', severity: 'low', title: 'truth', source: 'vitest', fingerprint: `truth-${id}` });
      const post = (headers: Record<string, string>) => documentedFetch(`${warden.url}/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: alertBody });
      expect((await post(senderHeaders('/v1/alerts', alertBody))).status).toBe(202);
      expect((await post({})).status).toBe(401);

      // Errors: each is the Error schema, and each status is one the operation documents.
      expect((await as(undefined, 'GET', '/v1/incidents')).status).toBe(401);
      expect((await as(tokens.vera, 'GET', '/v1/incidents?limit=0')).status).toBe(400);
      expect((await as(tokens.vera, 'POST', `/v1/incidents/${id}/approvals/hold_the_line`, { decision: 'approve' })).status).toBe(403);
      expect((await as(tokens.vera, 'GET', '/v1/incidents/no-such-incident')).status).toBe(404);
      expect((await as(tokens.vera, 'GET', '/v1/config')).status).toBe(403);
    });
    expect((await as(tokens.vera, 'GET', '/v1/whoami')).status).toBe(200);
    expect((await as(tokens.olga, 'GET', '/v1/whoami')).status).toBe(200);
    expect((await as(tokens.adam, 'GET', '/v1/config')).status).toBe(200);
    expect((await as(tokens.adam, 'POST', '/v1/config/reload', {})).status).toBe(200);
    expect([...checked].sort()).toEqual(
      expect.arrayContaining([
        'GET /v1/incidents 200',
        'GET /v1/incidents/{id} 200',
        'GET /v1/approvals 200',
        'GET /healthz 200',
        'GET /v1/incidents/{id} 404',
        'GET /v1/incidents 400',
        'GET /v1/incidents 401',
        'POST /v1/alerts 202',
        'POST /v1/alerts 401',
      ]),
    );
  });

  it('refuses a body the document does not describe, and a status it does not list', async () => {
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    await expect(checkDocumented('GET', 'http://x/v1/incidents', json({ incidents: [{ incidentId: 'a' }] }))).rejects.toThrow(/GET \/v1\/incidents 200: the body does not match/);
    await expect(checkDocumented('GET', 'http://x/v1/incidents', json({ incidents: [], extra: 1 }))).rejects.toThrow(/does not match/);
    await expect(checkDocumented('GET', 'http://x/v1/incidents/a', json({ error: 'x' }, 418))).rejects.toThrow(/does not document GET \/v1\/incidents\/\{id\} 418/);
    await expect(checkDocumented('GET', 'http://x/v1/incidents/a', json({ message: 'not the Error schema' }, 404))).rejects.toThrow(/does not match/);
    await expect(checkDocumented('GET', 'http://x/v1/incidents', json({ incidents: [] }))).resolves.toBeUndefined();
  });
});
