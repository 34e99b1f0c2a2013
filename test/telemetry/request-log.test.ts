import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAuditStore } from '../../activities/providers/audit-store/local-audit-store.js';
import { loadAuditKey } from '../../config/audit-key.js';
import { auditPublicKey, type AuditRecord } from '../../contracts/audit.js';
import { verifyStore } from '../../contracts/audit-verify.js';
import { signedHeaders } from '../../server/auth/webhook-signature.js';
import { createJsonLogger } from '../../server/http-log.js';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const TOKEN = 'tok-rita-request-log-0123456789';
const COOKIE = 'sid=cookie-secret-value-42';
const QUERY_SECRET = 'query-token-secret-77';
const dir = mkdtempSync(join(tmpdir(), 'warden-request-log-'));
const env = { WARDEN_STATE_DIR: join(dir, 'state'), WARDEN_CONFIG: join(dir, 'warden.yaml'), WARDEN_DRY_RUN: 'true', WARDEN_AUDIT: 'local' };
writeFileSync(env.WARDEN_CONFIG, `identities:\n  - { id: rita, roles: [responder], groups: [security-oncall], tokens: [{ sha256: ${sha(TOKEN)} }] }\n`);
const taskQueue = uniqueTaskQueue('request-log');
const lines: string[] = [];

let client: Client;
let warden: WardenServer;
beforeAll(async () => {
  client = await suiteClient();
  warden = await startWardenServer(client, taskQueue, env, { logger: createJsonLogger({ write: (s: string) => void lines.push(s) }) });
});
afterAll(async () => {
  warden?.close();
  await client.connection.close();
});

const logged = () => lines.map((l) => JSON.parse(l) as { msg: string; requestId?: string; path?: string; status?: number; method?: string; headers?: Record<string, unknown> });

describe('JSON request logs and the request id', () => {
  it("a request's id is echoed, on its log line and in the audit record it produced; credentials never reach the log", async () => {
    const notes = await fetch(`${warden.url}/v1/incidents/no-such-incident/notes?token=${QUERY_SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, cookie: COOKIE, 'x-request-id': 'req-notes-0001' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(notes.status).toBe(404);
    expect(notes.headers.get('x-request-id')).toBe('req-notes-0001');

    const alertBody = JSON.stringify({ type: 'credential.leaked', severity: 'high', title: 'request id', source: 'test', fingerprint: `reqid-${Date.now()}`, principal: { aws_user: 'u' } });
    const alertHeaders = signedHeaders(warden.secret('webhook'), { method: 'POST', path: '/v1/alerts', body: alertBody });
    const alert = await fetch(`${warden.url}/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'req-alert-0002', ...alertHeaders }, body: alertBody });
    expect(alert.status).toBe(202);

    // An id that is not sane (too long, or not of the allowed characters) is replaced by a fresh one.
    const odd = await fetch(`${warden.url}/healthz`, { headers: { 'x-request-id': 'x'.repeat(200) } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const noId = await fetch(`${warden.url}/healthz`);
    expect(noId.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(noId.headers.get('x-request-id')).not.toBe(odd.headers.get('x-request-id'));

    const line = logged().find((l) => l.msg === 'request' && l.requestId === 'req-notes-0001');
    expect(line).toMatchObject({ method: 'POST', path: '/v1/incidents/no-such-incident/notes?token=%5Bredacted%5D', status: 404 });
    expect(line!.headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]' });
    expect(logged().find((l) => l.requestId === 'req-alert-0002')).toMatchObject({ msg: 'request', path: '/v1/alerts', status: 202, headers: { 'x-warden-signature': '[redacted]' } });
    const all = lines.join('');
    for (const secret of [TOKEN, 'cookie-secret-value-42', QUERY_SECRET, warden.secret('webhook'), alertHeaders['x-warden-signature']!]) expect(all).not.toContain(secret);

    await warden.api.audit.flush();
    const store = createLocalAuditStore(join(env.WARDEN_STATE_DIR, 'audit'));
    const secretKey = loadAuditKey(join(env.WARDEN_STATE_DIR, 'audit-signing-key'));
    let records: AuditRecord[] = [];
    await withWorker({ providers: {}, audit: { store, secretKey } }, { taskQueue }, async () => {
      await expect
        .poll(
          async () => {
            records = (await verifyStore(store, auditPublicKey(secretKey))).records;
            return ['token.use', 'alert.accepted'].every((k) => records.some((r) => r.kind === k));
          },
          { timeout: 30_000, interval: 300 },
        )
        .toBe(true);
    });
    expect(records.find((r) => r.kind === 'token.use')).toMatchObject({ actor: 'rita', details: { requestId: 'req-notes-0001', status: 404 } });
    expect(records.find((r) => r.kind === 'alert.accepted')?.details.requestId).toBe('req-alert-0002');
    // Records appended outside any request (the config load at start) name none.
    expect(records.find((r) => r.kind === 'config.loaded')?.details.requestId).toBeUndefined();
  });
});
