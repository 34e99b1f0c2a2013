/**
 * GET /v1/inventory and `warden inventory` on the server `warden start` builds: refused without
 * a token, a bad filter is a 400 naming the field, before any scan a 404 that says so (never an
 * empty inventory), then a seeded scan listed with owner, principals, rating and reasons.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';
import type { InventoryView } from '../../contracts/inventory-view.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { completeScan, fixtureSnapshot } from '../helpers/inventory.js';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';
import { documentedFetch } from '../helpers/documented-fetch.js';

type Scanned = Extract<InventoryView, { state: 'scanned' }>;
const token = 'tok-inventory-viewer-0123456789';
const taskQueue = uniqueTaskQueue('inv-route');
let client: Client;
let warden: WardenServer;
let evidenceDir: string;

const get = (query = '', auth: string | null = token): Promise<Response> => documentedFetch(`${warden.url}/v1/inventory${query}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });
const cli = (args: string[]) => spawnCli(['inventory', ...args], cleanEnv({ WARDEN_URL: warden.url, WARDEN_TOKEN: token })).done;

beforeAll(async () => {
  assertBuilt();
  client = await suiteClient();
  const dir = mkdtempSync(join(tmpdir(), 'warden-inventory-route-'));
  evidenceDir = join(dir, 'evidence');
  const config = join(dir, 'warden.yaml');
  const sha = createHash('sha256').update(token).digest('hex');
  writeFileSync(config, [`identities:`, `  - { id: vera, roles: [viewer], tokens: [{ sha256: ${sha} }] }`].join('\n'));
  warden = await startWardenServer(client, taskQueue, { WARDEN_CONFIG: config, WARDEN_STATE_DIR: join(dir, 'state'), WARDEN_EVIDENCE_DIR: evidenceDir });
});
afterAll(async () => {
  warden?.close();
  await client?.connection.close();
});

describe('GET /v1/inventory and warden inventory', () => {
  it('refuses a caller without a token or with a wrong one', async () => {
    expect((await get('', null)).status).toBe(401);
    expect((await get('', 'tok-not-a-real-one-0000')).status).toBe(401);
  });

  it('answers a bad filter with 400 naming the field, before looking for a scan', async () => {
    for (const [query, field] of [
      ['?kind=spaceship', 'kind'],
      ['?risk=extreme', 'risk'],
      ['?source=azure', 'source'],
      ['?owner=me', 'owner'],
      ['?kind=model&kind=dataset', 'kind'],
    ] as const) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { details: { path: string; message: string }[] };
      expect(body.details.map((d) => d.path)).toContain(field);
    }
    const bad = await cli(['--risk', 'extreme']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/400 invalid query[\s\S]*risk: must be one of low, medium, high, critical/);
  });

  it('says no scan has completed yet (404), in the API and the CLI, with no made-up assets', async () => {
    const res = await get();
    expect(res.status).toBe(404);
    const body = (await res.json()) as { state: string; error: string };
    expect(Object.keys(body).sort()).toEqual(['error', 'state']);
    expect(body.state).toBe('no scan yet');
    expect(body.error).toMatch(/no inventory scan has completed yet/);
    const out = await cli([]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/404 no inventory scan has completed yet/);
    expect(out.stdout).toBe('');
  });

  it('lists a seeded scan: each asset with owner, principals, rating and reasons; filters; show', async () => {
    const snapshot = fixtureSnapshot('2026-12-04T06:00:00.000Z');
    const result = await completeScan(client, taskQueue, createLocalEvidenceStore(evidenceDir), snapshot);
    const res = await get();
    expect(res.status).toBe(200);
    const view = (await res.json()) as Scanned;
    expect(view.state).toBe('scanned');
    expect(view.scan.snapshotKey).toBe(result.snapshotKey);
    expect(view.total).toBe(4);
    expect(view.assets.map((a) => [a.id, a.risk])).toEqual([
      ['endpoint:sagemaker:fraud-live', 'critical'],
      ['dataset:s3:training-cards', 'high'],
      ['model:mlflow:fraud-detector', 'medium'],
      ['repository:github:acme/fraud-model', 'low'],
    ]);
    const data = view.assets.find((a) => a.id === 'dataset:s3:training-cards')!;
    expect(data.owner).toBe('data-eng');
    expect(data.principals).toBe(2);
    expect(data.access.map((a) => a.principal)).toEqual(['etl-role', 'sam']);
    expect(data.reasons[0]).toEqual({ rule: 'drift', risk: 'high', reason: "role 'analyst' may not write training-data", principal: 'sam' });

    const high = (await (await get('?risk=high')).json()) as Scanned;
    expect(high.assets.map((a) => a.id)).toEqual(['endpoint:sagemaker:fraud-live', 'dataset:s3:training-cards']);
    const models = (await (await get('?kind=model&source=mlflow')).json()) as Scanned;
    expect(models.assets.map((a) => a.id)).toEqual(['model:mlflow:fraud-detector']);

    const list = await cli([]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/scan of 2026-12-04T06:00:00.000Z/);
    expect(list.stdout).toMatch(/dataset:s3:training-cards\s+data-eng\s+2\s+high\s+-\s+drift: role 'analyst' may not write training-data/);
    const filtered = await cli(['list', '--kind', 'endpoint', '--json']);
    expect((JSON.parse(filtered.stdout) as Scanned).assets.map((a) => a.id)).toEqual(['endpoint:sagemaker:fraud-live']);

    const show = await cli(['show', 'dataset:s3:training-cards']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/owner:\s+data-eng/);
    expect(show.stdout).toMatch(/- high drift: role 'analyst' may not write training-data \[principal sam\]/);
    expect(show.stdout).toMatch(/- sam \(iam-user, person sam\): Read\/Write via s3:PutObject \(policy AdminData\), last used 2026-06-01T00:00:00Z/);
    const missing = await cli(['show', 'model:mlflow:nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no asset model:mlflow:nope in the scan of 2026-12-04T06:00:00.000Z/);
  });
});
