/**
 * The model registry as an alert source (issue #19, point 4): a real `mlflow server` sends its
 * signed webhooks to Warden's POST /v1/alerts/mlflow, and Warden checks each event against the
 * registry before it opens anything. Moves and registrations on the approved path open nothing;
 * an alias moved to an unvalidated version, a version from an unknown run and a tag changed on a
 * production version each open a compromised-model incident. A forged, stale or replayed
 * delivery is refused, and without a readable registry nothing is waved through.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMlflowRegistry } from '../../activities/providers/mlflow/mlflow-registry.js';
import { incidentStateQuery, type IncidentState } from '../../contracts/incident.js';
import { mlflowHeaders } from '../../server/auth/mlflow-signature.js';
import { startPeers, type Peers } from '../helpers/incident.js';
import { startWardenServer, workflowsOn, type WardenServer } from '../helpers/warden-server.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { mlflowRest, startMlflow, type MlflowPeer } from '../peers/mlflow.js';

const SECRET = 'mlflow-webhook-secret-for-tests-42';
const MODEL = 'fraud-detector';

let client: Client;
let mlflow: MlflowPeer;
let peers: Peers;
let warden: WardenServer;
let taskQueue: string;

beforeAll(async () => {
  client = await suiteClient();
  // MLflow refuses to deliver to private addresses and to http:// unless told: the test's Warden is on loopback.
  mlflow = await startMlflow({ env: { MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true', MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http,https' } });
  peers = await startPeers();
  taskQueue = uniqueTaskQueue('mlflow-hooks');
  warden = await startWardenServer(
    client,
    taskQueue,
    { MLFLOW_TRACKING_URI: mlflow.trackingUri, MLFLOW_WEBHOOK_SECRET: SECRET, WARDEN_DRY_RUN: 'true' },
    { readers: { modelRegistry: createMlflowRegistry({ trackingUri: mlflow.trackingUri }) } },
  );
}, 180_000);
afterAll(async () => {
  warden?.close();
  await peers?.close();
  await mlflow?.close();
  await client?.connection.close();
});

const rest = (method: 'GET' | 'POST', path: string, params: Record<string, unknown>) => mlflowRest(mlflow.trackingUri, method, path, params);

/** The incidents opened on this test's task queue, with their first alert's type. */
async function incidentTypes(): Promise<string[]> {
  const ids = (await workflowsOn(client, taskQueue)).filter((id) => id.startsWith('incident-'));
  const states = await Promise.all(ids.map((id) => client.workflow.getHandle(id).query(incidentStateQuery)));
  return states.map((s) => s.alerts.recent[0]!.type).sort();
}

async function incidentOf(type: string): Promise<IncidentState> {
  for (const id of await workflowsOn(client, taskQueue)) {
    const state = await client.workflow.getHandle(id).query(incidentStateQuery);
    if (state.alerts.recent[0]?.type === type) return state;
  }
  throw new Error(`no incident of type ${type}`);
}

describe('MLflow registry webhooks', () => {
  it('the real mlflow server delivers; only events off the approved path open compromised-model incidents', async () => {
    await withWorker({ providers: { ...peers.deps, models: createMlflowRegistry({ trackingUri: mlflow.trackingUri }) } }, { taskQueue }, async () => {
      const events = ['MODEL_VERSION_ALIAS:CREATED', 'MODEL_VERSION:CREATED', 'MODEL_VERSION_TAG:SET'].map((e) => ({ entity: e.split(':')[0], action: e.split(':')[1] }));
      await rest('POST', 'webhooks', { name: 'warden', url: `${warden.url}/v1/alerts/mlflow`, events, secret: SECRET });

      // The approved path: a version from a run the tracking server knows, validated, then promoted.
      const run = await rest('POST', 'runs/create', { experiment_id: '0' });
      const runId = (run as { run: { info: { run_id: string } } }).run.info.run_id;
      await rest('POST', 'registered-models/create', { name: MODEL });
      await rest('POST', 'model-versions/create', { name: MODEL, source: `runs:/${runId}/model`, run_id: runId, tags: [{ key: 'validated', value: 'true' }] });
      await rest('POST', 'registered-models/alias', { name: MODEL, alias: 'champion', version: '1' });
      // Off the path, three ways.
      await rest('POST', 'model-versions/set-tag', { name: MODEL, version: '1', key: 'artifact_sha256', value: 'f00d' });
      await rest('POST', 'model-versions/create', { name: MODEL, source: 's3://elsewhere/model', run_id: 'deadbeefdeadbeefdeadbeefdeadbeef' });
      await rest('POST', 'registered-models/alias', { name: MODEL, alias: 'champion', version: '2' });

      await expect.poll(incidentTypes, { timeout: 60_000, interval: 500 }).toEqual(['model.alias_unapproved', 'model.production_tag_changed', 'model.version_unknown_run']);
      const moved = await incidentOf('model.alias_unapproved');
      expect(moved.playbook.id).toBe('compromised-model');
      expect(moved.alerts.recent[0]).toMatchObject({ source: 'mlflow', resource: { name: MODEL, version: '2' }, labels: { alias: 'champion' } });
      expect(moved.alerts.recent[0]!.details!.reasons).toEqual([
        'version 2 is not marked validated (tag validated=true)',
        'its run deadbeefdeadbeefdeadbeefdeadbeef is unknown to the tracking server',
      ]);
      const tagged = await incidentOf('model.production_tag_changed');
      expect(tagged.alerts.recent[0]).toMatchObject({ resource: { version: '1' }, labels: { alias: 'champion', tag_key: 'artifact_sha256' } });
      expect((await incidentOf('model.version_unknown_run')).playbook.id).toBe('compromised-model');
      // The approved version's creation and promotion opened nothing; the rollback is not planned for a version that never served.
      const unknownRun = await incidentOf('model.version_unknown_run');
      await expect.poll(async () => (await client.workflow.getHandle(`incident-${unknownRun.incidentId}`).query(incidentStateQuery)).steps.rollback_model?.status, { timeout: 30_000 }).toBe('skipped');
    });
  }, 240_000);

  it('refuses a forged, stale or replayed delivery, and answers 503 when the registry cannot be read', async () => {
    const body = JSON.stringify({ entity: 'model_version_alias', action: 'created', timestamp: new Date().toISOString(), data: { name: MODEL, alias: 'champion', version: '1' } });
    const post = (headers: Record<string, string>, url = warden.url) => fetch(`${url}/v1/alerts/mlflow`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    const unsigned = await post({});
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: string }).error).toContain('X-MLflow-Signature');
    expect((await post(mlflowHeaders('not-the-secret-at-all-0000', body, randomUUID()))).status).toBe(401);
    expect((await post(mlflowHeaders(SECRET, body, randomUUID(), Math.floor(Date.now() / 1000) - 3600))).status).toBe(401);
    // Another sender's credential opens nothing here.
    expect((await post({ authorization: `Bearer ${warden.secret('alertmanager')}` })).status).toBe(401);

    const headers = mlflowHeaders(SECRET, body, randomUUID());
    const first = await post(headers);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { skipped: { reason: string }[] }).skipped[0]!.reason).toContain('the approved path');
    const replay = await post(headers);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ result: 'duplicate delivery, ignored' });

    // A Warden without MLflow configured cannot judge the event: 503, never a pass.
    const blind = await startWardenServer(client, taskQueue, { MLFLOW_WEBHOOK_SECRET: SECRET });
    try {
      const res = await post(mlflowHeaders(SECRET, body, randomUUID()), blind.url);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toContain('MLflow is not configured');
    } finally {
      blind.close();
    }
  }, 120_000);
});
