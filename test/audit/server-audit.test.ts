import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAuditStore } from '../../activities/providers/audit-store/local-audit-store.js';
import { verifyStore } from '../../cli/commands/audit.js';
import { loadAuditKey } from '../../config/audit-key.js';
import { auditPublicKey, type AuditRecord } from '../../contracts/audit.js';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const TOKEN = 'tok-olga-audit-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'warden-server-audit-'));
const env = { WARDEN_STATE_DIR: join(dir, 'state'), WARDEN_CONFIG: join(dir, 'warden.yaml'), WARDEN_DRY_RUN: 'true', WARDEN_AUDIT: 'local' };
writeFileSync(env.WARDEN_CONFIG, `identities:\n  - { id: olga, roles: [responder], groups: [security-oncall], tokens: [{ sha256: ${sha(TOKEN)} }] }\n`);
const taskQueue = uniqueTaskQueue('server-audit');

let client: Client;
let warden: WardenServer;
beforeAll(async () => {
  client = await suiteClient();
  warden = await startWardenServer(client, taskQueue, env);
});
afterAll(async () => {
  warden?.close();
  await client.connection.close();
});

describe("the server's appends, as warden start builds it", () => {
  it('records the config and playbook loads with their digests, and token use on a route that acts (the identity, never the token)', async () => {
    const store = createLocalAuditStore(join(env.WARDEN_STATE_DIR, 'audit'));
    const secretKey = loadAuditKey(join(env.WARDEN_STATE_DIR, 'audit-signing-key'));
    const res = await fetch(`${warden.url}/v1/incidents/no-such-incident/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(res.status).toBe(404);
    await warden.api.audit.flush();
    let records: AuditRecord[] = [];
    await withWorker({ providers: {}, audit: { store, secretKey } }, { taskQueue }, async () => {
      await expect
        .poll(
          async () => {
            const v = await verifyStore(store, auditPublicKey(secretKey));
            records = v.records;
            return v.records.map((r) => r.kind).sort();
          },
          { timeout: 30_000, interval: 300 },
        )
        .toEqual(['config.loaded', 'playbooks.loaded', 'token.use']);
    });
    expect(records.find((r) => r.kind === 'config.loaded')).toMatchObject({ subject: env.WARDEN_CONFIG, details: { sha256: sha(readFileSync(env.WARDEN_CONFIG, 'utf8')) } });
    const playbooks = records.find((r) => r.kind === 'playbooks.loaded')!.details.playbooks as { id: string; sha256: string }[];
    expect(playbooks.find((p) => p.id === 'leaked-credential')?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(records.find((r) => r.kind === 'token.use')).toMatchObject({ actor: 'olga', subject: 'POST /v1/incidents/:id/notes', details: { status: 404, params: { id: 'no-such-incident' } } });
    expect(JSON.stringify(records)).not.toContain(TOKEN);

    // GET /v1/audit: the verified records to a viewer or more; a bad query is a 400 naming the field.
    const get = (query: string, token?: string) => fetch(`${warden.url}/v1/audit${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const listed = (await (await get('?limit=2', TOKEN)).json()) as { verified: boolean; total: number; records: AuditRecord[] };
    expect(listed).toMatchObject({ verified: true, total: records.length });
    expect(listed.records.map((r) => r.seq)).toEqual(records.slice(-2).map((r) => r.seq));
    expect((await get('')).status).toBe(401);
    const bad = await get('?limit=0&since=yesterday', TOKEN);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: { path: string }[] }).details.map((p) => p.path)).toEqual(['since']);
    expect(((await (await get('?until=2000-01-01T00:00:00Z', TOKEN)).json()) as { records: unknown[] }).records).toEqual([]);
  });
});
