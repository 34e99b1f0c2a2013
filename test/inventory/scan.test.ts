/**
 * The inventory scan (issue #19, points 1 and 2) end to end on the real peers: moto (IAM users
 * and keys, S3 buckets tagged as training data, a SageMaker endpoint), MLflow with its auth app,
 * the GitHub fake, and two local HTTP endpoints (one answers without credentials). The workflow
 * runs on the suite's dev server; `linkInventory` belongs to the inventory surfaces (another
 * branch), so a stand-in here records what the scan handed it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketTaggingCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventorySetup, WardenDeps } from '../../activities/deps.js';
import { createAwsIamInventory } from '../../activities/providers/aws-iam/aws-iam.js';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';
import { createGitHubInventoryRead } from '../../activities/providers/github/inventory-read.js';
import { createEndpointProber } from '../../activities/providers/http/probe.js';
import { createMlflowInventoryRead } from '../../activities/providers/mlflow/inventory-read.js';
import { createS3InventoryRead } from '../../activities/providers/s3/inventory-read.js';
import { createSageMakerInventoryRead } from '../../activities/providers/sagemaker/inventory-read.js';
import { createConfigDirectory } from '../../config/config-directory.js';
import { INVENTORY_SCAN_WORKFLOW, type InventoryLinksInput, type InventoryScanResult, type InventorySnapshot } from '../../contracts/inventory.js';
import { startWorker, type TestWorker } from '../harness.js';
import { createUser, grant } from '../peers/mlflow-auth.js';
import { mlflowRest, seedModel, startMlflow, type MlflowPeer } from '../peers/mlflow.js';
import { startFakeGitHub, type FakeGitHub } from '../peers/fake-github.js';
import { MOTO_CREDENTIALS, motoClient, motoS3Client, startMoto, type MotoPeer } from '../peers/moto.js';

const REGION = 'us-east-1';
const TOKEN = `ghp_${randomUUID().replace(/-/g, '')}`;
let moto: MotoPeer;
let mlflow: MlflowPeer;
let gh: FakeGitHub;
const servers: Server[] = [];
const dir = mkdtempSync(join(tmpdir(), 'warden-inventory-'));
const linked: InventoryLinksInput[] = [];

/** A local HTTP endpoint answering every GET with `status` (401 with a Basic challenge). */
async function endpoint(status: number): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(status, status === 401 ? { 'www-authenticate': 'Basic realm="model"' } : { 'content-type': 'application/json' });
    res.end(status === 200 ? '{"predictions":[]}' : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/invocations`;
}

const policy = (action: string, resource: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

async function seedAws(): Promise<void> {
  const iam = motoClient(moto.endpoint);
  for (const [user, action, resource] of [
    ['svc-ml-trainer', 's3:GetObject', 'arn:aws:s3:::train-fraud/*'],
    ['dana', 's3:*', 'arn:aws:s3:::train-*'],
    ['appdev', 's3:PutObject', 'arn:aws:s3:::train-fraud/*'],
    ['ops', 'sagemaker:*', '*'],
    ['labeler', 's3:PutObject', 'arn:aws:s3:::datalake/training/*'],
    ['webdev', 's3:*', 'arn:aws:s3:::datalake/web/*'],
  ] as const) {
    await iam.send(new CreateUserCommand({ UserName: user }));
    await iam.send(new PutUserPolicyCommand({ UserName: user, PolicyName: `${user}-access`, PolicyDocument: policy(action, resource) }));
  }
  await iam.send(new TagUserCommand({ UserName: 'svc-ml-trainer', Tags: [{ Key: 'owner', Value: 'ml-platform' }] }));
  await iam.send(new CreateAccessKeyCommand({ UserName: 'svc-ml-trainer' }));
  const s3 = motoS3Client(moto.endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: 'train-fraud' }));
  await s3.send(
    new PutBucketTaggingCommand({
      Bucket: 'train-fraud',
      Tagging: {
        TagSet: [
          { Key: 'data-class', Value: 'training' },
          { Key: 'owner', Value: 'data-team' },
          { Key: 'data-sensitivity', Value: 'confidential' },
        ],
      },
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: 'web-assets' }));
  // An untagged data lake: training data under one prefix only (a configured prefix with no object is no dataset).
  await s3.send(new CreateBucketCommand({ Bucket: 'datalake' }));
  for (const key of ['training/cards/2026-11.csv', 'web/index.html']) await s3.send(new PutObjectCommand({ Bucket: 'datalake', Key: key, Body: 'x' }));
  const sm = new SageMakerClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  await sm.send(
    new CreateModelCommand({ ModelName: 'fraud', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sm', PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud:1' } }),
  );
  await sm.send(
    new CreateEndpointConfigCommand({ EndpointConfigName: 'fraud-config', ProductionVariants: [{ VariantName: 'main', ModelName: 'fraud', InitialInstanceCount: 1, InstanceType: 'ml.m5.large' }] }),
  );
  await sm.send(new CreateEndpointCommand({ EndpointName: 'fraud-live', EndpointConfigName: 'fraud-config', Tags: [{ Key: 'owner', Value: 'mlops' }] }));
}

async function seedMlflow(): Promise<void> {
  const auth = { auth: mlflow.admin! };
  await mlflowRest(mlflow.trackingUri, 'POST', 'registered-models/create', { name: 'fraud-detector', tags: [{ key: 'owner', value: 'risk-ml' }] }, auth);
  for (const i of [1, 2]) await mlflowRest(mlflow.trackingUri, 'POST', 'model-versions/create', { name: 'fraud-detector', source: `s3://models/fraud/${i}` }, auth);
  await mlflowRest(mlflow.trackingUri, 'POST', 'registered-models/alias', { name: 'fraud-detector', alias: 'champion', version: '2' }, auth);
  await createUser(mlflow, 'alice');
  await grant(mlflow, 'alice', 'registered_model', 'fraud-detector', 'EDIT');
}

function setup(publicUrl: string, closedUrl: string): InventorySetup {
  const rules = readFileSync('policy/inventory-rules.yaml', 'utf8')
    .replace('http_endpoints: []', `http_endpoints:\n    - { name: scoring-api, url: '${publicUrl}' }\n    - { name: batch-api, url: '${closedUrl}' }`)
    .replace('prefixes: []', "prefixes: ['datalake/training/', 'datalake/empty/', 'nosuch-*/training/']");
  writeFileSync(join(dir, 'inventory-rules.yaml'), rules);
  const aws = { region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
  return {
    rulesFile: join(dir, 'inventory-rules.yaml'),
    matrixFile: 'policy/access-matrix.yaml',
    readers: {
      prober: createEndpointProber({ timeoutMs: 2_000 }),
      models: createMlflowInventoryRead({ trackingUri: mlflow.trackingUri, username: mlflow.admin!.username, password: mlflow.admin!.password }),
      code: createGitHubInventoryRead({ org: 'acme', token: TOKEN, baseUrl: gh.baseUrl, retryBaseMs: 10 }),
      iam: createAwsIamInventory(aws),
      buckets: createS3InventoryRead(motoS3Client(moto.endpoint)),
      endpoints: createSageMakerInventoryRead(aws),
    },
  };
}

const people = [
  { id: 'dana', name: 'Dana', email: 'dana@acme.test', aws: [{ account: '123456789012', userName: 'dana' }], githubLogin: 'dana', mlflowUser: 'alice', roles: ['data-scientist'] },
  { id: 'abe', name: 'Abe', email: 'abe@acme.test', aws: [{ account: '123456789012', userName: 'appdev' }], roles: ['application-developer'] },
];

let worker: TestWorker;
let deps: WardenDeps;

beforeAll(async () => {
  [moto, mlflow, gh] = await Promise.all([
    startMoto(),
    startMlflow({ auth: true }),
    startFakeGitHub({
      org: 'acme',
      token: TOKEN,
      seed: {
        members: { dana: 'member', admin1: 'admin' },
        teams: [],
        repos: {
          'fraud-model': { collaborators: { dana: 'write', contractor: 'admin' }, deployKeys: [], topics: ['machine-learning'] },
          website: { collaborators: { dana: 'admin' }, deployKeys: [] },
        },
        invitations: [],
        patGrants: [],
        credentialAuthorizations: [],
      },
    }),
  ]);
  await Promise.all([seedAws(), seedMlflow()]);
  deps = {
    providers: { evidence: createLocalEvidenceStore(join(dir, 'evidence')) },
    directory: createConfigDirectory(people.map((p) => ({ groups: [], ...p }))),
    inventory: setup(await endpoint(200), await endpoint(401)),
  };
  worker = await startWorker(deps, { name: 'inventory', activities: () => ({ linkInventory: async (input: InventoryLinksInput) => (linked.push(input), { alerts: [], flagged: [] }) }) });
}, 180_000);

afterAll(async () => {
  await worker?.shutdown();
  for (const s of servers) s.close();
  await Promise.all([moto?.stop(), mlflow?.close(), gh?.close()]);
});

const scan = (id: string) => worker.client.workflow.execute(INVENTORY_SCAN_WORKFLOW, { taskQueue: worker.taskQueue, workflowId: id, args: [{ requestedBy: 'test' }] }) as Promise<InventoryScanResult>;
/** Waits until visibility lists the workflow as completed (what the next scan's look-up reads). */
async function completedInVisibility(workflowId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    for await (const w of worker.client.workflow.list({ query: `WorkflowId = '${workflowId}' AND ExecutionStatus = 'Completed'` })) if (w.workflowId === workflowId) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${workflowId} never listed as completed`);
}
const snapshotOf = async (key: string) => JSON.parse(Buffer.from((await deps.providers.evidence!.get(key))!).toString('utf8')) as InventorySnapshot;

describe('inventoryScanWorkflow on the real peers', () => {
  it('lists each asset with its owner, principals, rating and reasons; writes the snapshot once; calls linkInventory last', async () => {
    const result = await scan(`inventory-scan-${randomUUID()}`);
    expect(result.sources.map((s) => [s.source, s.status])).toEqual([
      ['mlflow', 'scanned'],
      ['s3', 'scanned'],
      ['sagemaker', 'scanned'],
      ['http', 'scanned'],
      ['github', 'scanned'],
      ['aws-iam', 'scanned'],
    ]);
    const snap = await snapshotOf(result.snapshotKey);
    expect(result.links).toEqual({ alerts: [], flagged: [] });
    expect(linked.at(-1)).toEqual({ snapshotKey: result.snapshotKey, ...(result.previousKey ? { previousKey: result.previousKey } : {}) });
    const asset = (id: string) => {
      const a = snap.assets.find((x) => x.id === id);
      expect(a, id).toBeDefined();
      return { ...a!, rating: snap.ratings.find((r) => r.assetId === id)! };
    };
    expect(snap.assets.map((a) => a.id.replace(/^key:aws-iam:AKIA\w+$/, 'key:aws-iam:<key id>')).sort()).toEqual([
      'dataset:s3:datalake/training/',
      'dataset:s3:train-fraud',
      'endpoint:http:batch-api',
      'endpoint:http:scoring-api',
      'endpoint:sagemaker:fraud-live',
      'key:aws-iam:<key id>',
      'model:mlflow:fraud-detector',
      'repository:github:acme/fraud-model',
    ]);
    expect(snap.ratings).toHaveLength(snap.assets.length);
    for (const r of snap.ratings) expect(r.reasons.length, r.assetId).toBeGreaterThan(0);

    const model = asset('model:mlflow:fraud-detector');
    expect(model.owner).toBe('risk-ml');
    expect(model.facts).toMatchObject({ versions: 2, latestVersion: '2', aliases: 'champion=2', auth: 'basic-auth' });
    expect(model.access).toContainEqual({ principal: 'alice', principalKind: 'mlflow-user', level: 'Read/Write', grant: 'EDIT' });
    expect(model.access).toContainEqual(expect.objectContaining({ principal: mlflow.admin!.username, level: 'Admin', grant: 'MANAGE (admin)' }));
    expect(model.exposure?.level).toBe('authenticated');
    expect(model.exposure?.evidence).toContain('answered 401');
    // The auth app's admin has no directory person: it holds Admin on production models, which no role allows.
    expect(model.rating.reasons).toContainEqual(expect.objectContaining({ rule: 'drift', principal: mlflow.admin!.username }));

    const bucket = asset('dataset:s3:train-fraud');
    expect(bucket.owner).toBe('data-team');
    expect(bucket.access.map((a) => [a.principal, a.level]).sort()).toEqual([
      ['appdev', 'Read/Write'],
      ['dana', 'Admin'],
      ['svc-ml-trainer', 'Read'],
    ]);
    expect(bucket.rating.risk).toBe('high');
    expect(bucket.rating.reasons).toContainEqual({ rule: 'sensitivity', risk: 'high', reason: 'tagged data-sensitivity=confidential' });
    // appdev is held by an application developer, whose role allows no access to training data; dana (a data scientist) holds s3:* through a policy: Admin is above Read/Write.
    expect(
      bucket.rating.reasons
        .filter((r) => r.rule === 'drift')
        .map((r) => r.principal)
        .sort(),
    ).toEqual(['appdev', 'dana', 'svc-ml-trainer']);

    // A configured prefix holding objects is its own dataset; who can touch it is read for its objects only.
    const lake = asset('dataset:s3:datalake/training/');
    expect(lake).toMatchObject({ location: 'arn:aws:s3:::datalake/training', facts: { trainingData: 'by configured prefix', prefix: 'training/' } });
    expect(lake.access.map((a) => [a.principal, a.level])).toEqual([['labeler', 'Read/Write']]);
    expect(lake.rating.reasons.find((r) => r.rule === 'drift' && r.principal === 'labeler')?.reason).toContain('no directory person');

    const sagemaker = asset('endpoint:sagemaker:fraud-live');
    expect(sagemaker.owner).toBe('mlops');
    expect(sagemaker.access).toContainEqual(expect.objectContaining({ principal: 'ops', level: 'Admin' }));

    const open = asset('endpoint:http:scoring-api');
    expect(open.exposure?.level).toBe('public');
    expect(open.rating.risk).toBe('critical');
    expect(open.rating.reasons[0]).toMatchObject({ rule: 'exposure', risk: 'critical' });
    expect(open.rating.reasons[0]!.reason).toMatch(/^exposure public: GET http:\/\/127\.0\.0\.1:\d+\/invocations answered 200 without credentials$/);
    const closed = asset('endpoint:http:batch-api');
    expect(closed.exposure?.level).toBe('authenticated');
    expect(closed.exposure?.evidence).toContain('answered 401 (WWW-Authenticate: Basic)');

    const repo = asset('repository:github:acme/fraud-model');
    expect(repo.owner).toBe('acme');
    expect(repo.access.map((a) => [a.principal, a.level]).sort()).toEqual([
      ['contractor', 'Admin'],
      ['dana', 'Read/Write'],
    ]);
    expect(repo.rating.reasons.find((r) => r.rule === 'drift' && r.principal === 'contractor')?.reason).toContain('no directory person');

    const key = snap.assets.find((a) => a.kind === 'key')!;
    expect(key).toMatchObject({ owner: 'ml-platform', facts: { user: 'svc-ml-trainer', status: 'Active', ageDays: 0 } });
    expect(JSON.stringify(snap)).not.toMatch(/secret|password/i);
    expect(result.byRisk.critical).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('an unconfigured source is "not configured"; a failing one is "failed" with its reason and the others are scanned; the next scan names the previous', async () => {
    const firstId = `inventory-scan-${randomUUID()}`;
    const first = await scan(firstId);
    await completedInVisibility(firstId);
    await gh.stop();
    try {
      const again = await scan(`inventory-scan-${randomUUID()}`);
      expect(again.previousKey).toBe(first.snapshotKey);
      const github = again.sources.find((s) => s.source === 'github')!;
      expect(github).toMatchObject({ status: 'failed', assets: 0 });
      expect(github.detail).toMatch(/listing the repositories of acme/);
      expect(github.detail).not.toContain(TOKEN);
      expect(again.sources.filter((s) => s.status === 'scanned')).toHaveLength(5);
      expect(first.snapshotKey).not.toBe(again.snapshotKey);
    } finally {
      await gh.start();
    }
    const bare = await startWorker(
      { ...deps, inventory: { ...deps.inventory!, readers: {} } },
      { name: 'inventory-bare', activities: () => ({ linkInventory: async () => ({ alerts: [], flagged: [] }) }) },
    );
    const none = (await bare.run(() =>
      bare.client.workflow.execute(INVENTORY_SCAN_WORKFLOW, { taskQueue: bare.taskQueue, workflowId: `inventory-scan-${randomUUID()}`, args: [{ requestedBy: 'test' }] }),
    )) as InventoryScanResult;
    expect(none.sources.map((s) => s.status)).toEqual(Array(6).fill('not configured'));
    expect(none.sources.find((s) => s.source === 'github')!.detail).toMatch(/GitHub organization/);
    expect(none.assets).toBe(0);
  }, 120_000);
  it('an MLflow server answering without credentials is a finding: its models are exposed "public", rated critical with the evidence', async () => {
    const open = await startMlflow();
    try {
      await seedModel(open.trackingUri, 'churn', { versions: 1, champion: 1 });
      const readers = { prober: createEndpointProber({ timeoutMs: 2_000 }), models: createMlflowInventoryRead({ trackingUri: open.trackingUri }) };
      const w = await startWorker(
        { ...deps, inventory: { ...deps.inventory!, readers } },
        { name: 'inventory-open', activities: () => ({ linkInventory: async () => ({ alerts: [], flagged: [] }) }) },
      );
      const result = (await w.run(() =>
        w.client.workflow.execute(INVENTORY_SCAN_WORKFLOW, { taskQueue: w.taskQueue, workflowId: `inventory-scan-${randomUUID()}`, args: [{ requestedBy: 'test' }] }),
      )) as InventoryScanResult;
      const snap = await snapshotOf(result.snapshotKey);
      const model = snap.assets.find((a) => a.id === 'model:mlflow:churn')!;
      expect(model.facts.auth).toBe('no auth app');
      expect(model.exposure?.level).toBe('public');
      const rating = snap.ratings.find((r) => r.assetId === model.id)!;
      expect(rating.risk).toBe('critical');
      expect(rating.reasons[0]!.reason).toBe(`exposure public: GET ${open.trackingUri}/api/2.0/mlflow/registered-models/search answered 200 without credentials`);
    } finally {
      await open.close();
    }
  }, 120_000);
  it('a scan on an invalid rules file fails, naming the field, and never reaches linkInventory', async () => {
    const broken = join(dir, 'broken-rules.yaml');
    writeFileSync(broken, readFileSync('policy/inventory-rules.yaml', 'utf8').replace('max_changers: 3', 'max_changers: many'));
    const w = await startWorker(
      { ...deps, inventory: { readers: {}, rulesFile: broken, matrixFile: 'policy/access-matrix.yaml' } },
      { name: 'inventory-broken', activities: () => ({ linkInventory: async () => ({ alerts: [], flagged: [] }) }) },
    );
    const before = linked.length;
    const failed = await w.run(() =>
      w.client.workflow.execute(INVENTORY_SCAN_WORKFLOW, { taskQueue: w.taskQueue, workflowId: `inventory-scan-${randomUUID()}`, args: [{ requestedBy: 'test' }] }).then(
        () => undefined,
        (err: unknown) => err as WorkflowFailedError,
      ),
    );
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(failed!.cause).toMatchObject({ type: 'InventoryRulesInvalid' });
    expect(failed!.cause!.message).toMatch(/broken-rules\.yaml: risk\.breadth\.max_changers: /);
    expect(linked.length).toBe(before);
  }, 60_000);
});
