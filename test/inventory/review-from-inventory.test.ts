/**
 * The next review campaign's items include the discovered entitlements: a dry-run campaign over
 * moto and the GitHub fake, after a completed inventory scan on the same queue, reviews the
 * inventory's GitHub collaborators and IAM grants (deduplicated with the configured collection),
 * and flags the principal that breaks the access matrix; without a scan it is as before.
 */
import type { Client } from '@temporalio/client';
import type { IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsIam } from '../../activities/providers/aws-iam/aws-iam.js';
import type { WardenDeps } from '../../activities/index.js';
import type { ReviewItem } from '../../contracts/review-types.js';
import type { InventorySnapshot } from '../../contracts/inventory.js';
import { app, codeHost, startGitHub } from '../activities/github/fixture.js';
import { startPeers, type Peers } from '../helpers/incident.js';
import { completeScan, fixtureSnapshot } from '../helpers/inventory.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import type { FakeGitHub } from '../peers/fake-github.js';
import { MOTO_CREDENTIALS, motoClient, seedUser, startMoto, type MotoPeer } from '../peers/moto.js';
import { directoryOf, reviewSettings, startCampaign, tempStore } from '../reviews/fixture.js';

const PEOPLE = [
  { id: 'sec-lead', name: 'Sam Security', email: 'sec-lead@example.com' },
  { id: 'mona', name: 'Mona Manager', email: 'mona@example.com', roles: ['mlops'] },
  { id: 'dana', name: 'Dana Scientist', email: 'dana@example.com', manager: 'mona', github_login: 'dana-gh', aws: [{ account: '123456789012', user_name: 'dana' }], roles: ['data-scientist'] },
];

let moto: MotoPeer;
let admin: IAMClient;
let gh: FakeGitHub;
let peers: Peers;
let client: Client;

beforeAll(async () => {
  [moto, gh, peers, client] = await Promise.all([
    startMoto(),
    startGitHub({
      members: { 'dana-gh': 'member' },
      teams: [],
      repos: { 'model-serving': { collaborators: { 'ext-bob': 'write' }, deployKeys: [] } },
      invitations: [],
      patGrants: [],
      credentialAuthorizations: [],
    }),
    startPeers(),
    suiteClient(),
  ]);
  admin = motoClient(moto.endpoint);
  await seedUser(admin, 'dana', { accessKeys: 0, loginProfile: false, mfa: false, managedPolicies: [], inlinePolicies: [], sshKeys: 0, groups: ['data-scientists'] });
}, 120_000);
afterAll(async () => {
  await Promise.all([moto?.stop(), gh?.close(), peers?.close()]);
  await client?.connection.close();
});

/** The seeded estate as discovery would see it: dana writes training data against the matrix, and two repositories of acme-corp. */
function estate(): InventorySnapshot {
  const base = fixtureSnapshot('2026-12-06T06:00:00.000Z');
  const assets = base.assets.map((a) => {
    if (a.id === 'dataset:s3:training-cards')
      return { ...a, access: [{ principal: 'dana', principalKind: 'iam-user' as const, level: 'Read/Write' as const, grant: 's3:PutObject (policy DataWrite)' }] };
    if (a.kind === 'repository') return { ...a, id: 'repository:github:acme-corp/fraud-model', name: 'acme-corp/fraud-model', location: 'acme-corp/fraud-model' };
    return a;
  });
  const serving = { ...assets.find((a) => a.kind === 'repository')!, id: 'repository:github:acme-corp/model-serving', name: 'acme-corp/model-serving', location: 'acme-corp/model-serving' };
  const ratings = base.ratings.map((r) =>
    r.assetId === 'dataset:s3:training-cards'
      ? { ...r, reasons: [{ rule: 'drift', risk: 'high' as const, reason: 'dana holds Read/Write on training_data; role data-scientist allows Read', principal: 'dana' }] }
      : r.assetId === 'repository:github:acme/fraud-model'
        ? {
            assetId: 'repository:github:acme-corp/fraud-model',
            risk: 'high' as const,
            reasons: [{ rule: 'drift', risk: 'high' as const, reason: 'dana-gh may not push model code', principal: 'dana-gh' }],
          }
        : r,
  );
  return {
    ...base,
    assets: [...assets, { ...serving, access: [{ principal: 'ext-bob', principalKind: 'github-user' as const, level: 'Read/Write' as const, grant: 'write' }] }],
    ratings: [...ratings, { assetId: serving.id, risk: 'high' as const, reasons: [{ rule: 'drift', risk: 'high' as const, reason: 'ext-bob has no directory person', principal: 'ext-bob' }] }],
  };
}

async function campaignItems(taskQueue: string, id: string, withScan: boolean): Promise<ReviewItem[]> {
  const { store } = tempStore();
  const setup: WardenDeps = {
    providers: { ...peers.deps, iam: createAwsIam({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), code: codeHost(gh, { app }) },
    directory: directoryOf(PEOPLE),
    reviews: { settings: reviewSettings({ on_silence: 'revoke-flagged' }), store },
  };
  if (withScan) await completeScan(client, taskQueue, peers.deps.evidence!, estate());
  const state = await withWorker(setup, { taskQueue }, async () => (await startCampaign(client, taskQueue, id, { dryRun: true })).result());
  expect(state.phase).toBe('done');
  const items: ReviewItem[] = [];
  for (const batch of await store.listBatches(id)) items.push(...(await store.readBatch(id, batch)));
  return items;
}

describe('review campaigns from the inventory', () => {
  it('without a completed scan, a campaign reviews the configured entitlements only, as before', async () => {
    const items = await campaignItems(uniqueTaskQueue('inv-review-none'), `inv-none-${Date.now()}`, false);
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((i) => i.kind === 'inventory-access' || i.grantedVia.startsWith('inventory'))).toEqual([]);
  });

  it('includes the discovered entitlements, deduplicated, with the matrix-breaking principals flagged', async () => {
    const items = await campaignItems(uniqueTaskQueue('inv-review'), `inv-scan-${Date.now()}`, true);
    const ids = items.map((i) => i.id);
    // The configured collection already holds ext-bob on model-serving: reviewed once.
    expect(ids.filter((id) => id === 'github:acme-corp:ext-bob:github-repo:acme-corp/model-serving')).toHaveLength(1);
    // ...and flagged by the inventory's drift rule, though it came from the configured source.
    const bob = items.find((i) => i.id === 'github:acme-corp:ext-bob:github-repo:acme-corp/model-serving');
    expect(bob?.grantedVia).not.toBe('inventory');
    expect(bob?.findings.find((f) => f.kind === 'exceeds_role')?.detail).toContain('inventory drift on repository:github:acme-corp/model-serving): ext-bob has no directory person');
    // Discovered only: dana-gh's push on fraud-model, and dana's write on the training data.
    const repo = items.find((i) => i.id === 'github:acme-corp:dana-gh:github-repo:acme-corp/fraud-model');
    expect(repo).toMatchObject({ personId: 'dana', grantedVia: 'inventory', permission: 'push' });
    expect(repo?.findings.find((f) => f.kind === 'exceeds_role')?.detail).toMatch(/inventory drift on repository:github:acme-corp\/fraud-model\): dana-gh may not push model code/);
    const data = items.find((i) => i.id === 'aws:123456789012:dana:inventory-access:dataset:s3:training-cards');
    expect(data).toMatchObject({ personId: 'dana', reviewer: 'mona', permission: 'Read/Write via s3:PutObject (policy DataWrite)' });
    expect(data?.findings.map((f) => f.kind)).toContain('exceeds_role');
    // MLflow users and IAM roles are not accounts of the review's systems: not items.
    expect(items.some((i) => i.subject === 'mo' || i.subject === 'etl-role')).toBe(false);
  });
});
