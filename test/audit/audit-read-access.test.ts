import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { documentedFetch } from '../helpers/documented-fetch.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const VIEWER = 'tok-vera-viewer-0123456789';
const HR = 'tok-hana-hr-only-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'warden-audit-access-'));
const env = { WARDEN_STATE_DIR: join(dir, 'state'), WARDEN_CONFIG: join(dir, 'warden.yaml'), WARDEN_DRY_RUN: 'true', WARDEN_AUDIT: 'local' };
writeFileSync(
  env.WARDEN_CONFIG,
  ['identities:', `  - { id: vera, roles: [viewer], tokens: [{ sha256: ${sha(VIEWER)} }] }`, `  - { id: hana, roles: [hr], tokens: [{ sha256: ${sha(HR)} }] }`, ''].join('\n'),
);

let client: Client;
let warden: WardenServer;
beforeAll(async () => {
  client = await suiteClient();
  warden = await startWardenServer(client, uniqueTaskQueue('audit-access'), env);
});
afterAll(async () => {
  warden?.close();
  await client.connection.close();
});

const getAudit = (authorization?: string) => documentedFetch(`${warden.url}/v1/audit`, { headers: authorization ? { authorization } : {} });

describe('GET /v1/audit: who may read the trail', () => {
  it('refuses no token, an intake-only credential, the codec token and a role outside the viewer ranks (hr); a viewer reads it', async () => {
    expect((await getAudit()).status).toBe(401);
    // Alert senders' bearer credentials open their intake route only.
    for (const name of ['alertmanager', 'guardduty', 'webhook', 'codec'] as const) {
      const res = await getAudit(`Bearer ${warden.secret(name)}`);
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(await res.text()).not.toContain('"records"');
    }
    expect((await getAudit('Bearer not-a-token-of-anyone-0123')).status).toBe(401);
    const hr = await getAudit(`Bearer ${HR}`);
    expect(hr.status).toBe(403);
    expect(await hr.text()).not.toContain('"records"');
    const viewer = await getAudit(`Bearer ${VIEWER}`);
    expect(viewer.status).toBe(200);
    expect(Array.isArray(((await viewer.json()) as { records?: unknown }).records)).toBe(true);
  });
});
