/**
 * Telemetry (issue #16, point 12): `warden start` against moto serves the server's /metrics
 * (authenticated) and the worker's Prometheus endpoint, and both say what happened: the alert
 * deliveries by source, result and reason; the incident by phase and its approval waiting; the
 * step applied at moto, with its peer-call latency; and the Temporal SDK's own worker metrics.
 * Both are parsed with a Prometheus text parser.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_SECRETS } from '../../config/state-secrets.js';
import { signedHeaders } from '../../server/auth/webhook-signature.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { SUITE_ENV } from '../helpers/suite-env.js';
import { MOTO_CREDENTIALS, motoClient, seedUser, startMoto, type MotoPeer } from '../peers/moto.js';

const temporalCli = process.env[SUITE_ENV.temporalCli];

/** Disable the key at once; deleting it waits for the on-call's approval. Nothing else reaches a peer. */
const PLAYBOOK = `id: metrics-leak
version: 1
title: Metrics test leak
description: Disable a leaked key, then wait for an approval to delete it.
triggers:
  - types: [credential.leaked]
    minSeverity: low
severity: high
owners: [security-oncall]
phases:
  contain:
    - id: disable_key
      action: aws.disableAccessKey
      with: { userName: "{{ alert.principal.aws_user }}", accessKeyId: "{{ alert.principal.aws_access_key_id }}" }
  eradicate:
    - id: delete_key
      action: aws.deleteAccessKey
      with: { userName: "{{ alert.principal.aws_user }}", accessKeyId: "{{ alert.principal.aws_access_key_id }}" }
      approval: { groups: [security-oncall], timeout: 4h, onTimeout: reject }
`;

/** The value of the sample of `name` whose labels include `labels` (undefined when there is none). */
function sample(families: ParsedFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = families.find((f) => f.name === name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return found === undefined ? undefined : Number(found.value ?? found.count);
}

describe.skipIf(!temporalCli)('metrics from a running warden start', () => {
  let dir: string;
  let moto: MotoPeer;
  let warden: ReturnType<typeof spawnCli> | undefined;

  beforeAll(async () => {
    assertBuilt();
    moto = await startMoto();
    dir = mkdtempSync(join(tmpdir(), 'warden-metrics-'));
  }, 120_000);
  afterAll(async () => {
    if (warden && warden.exitCode === null) {
      warden.kill('SIGTERM');
      await warden.done;
    }
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counts deliveries, incidents, approvals and the step applied at moto; /metrics needs a token', async () => {
    const iam = motoClient(moto.endpoint);
    const user = await seedUser(iam, 'metrics-dana');
    const keyId = user.accessKeys[0]!.accessKeyId;
    const playbooks = join(dir, 'playbooks');
    mkdirSync(playbooks);
    writeFileSync(join(playbooks, 'metrics-leak.yaml'), PLAYBOOK);
    copyFileSync('playbooks/triage.yaml', join(playbooks, 'triage.yaml'));
    const [httpPort, temporalPort, uiPort, metricsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const stateDir = join(dir, 'state');
    warden = spawnCli(
      ['start'],
      cleanEnv({
        TEMPORAL_CLI_PATH: temporalCli!,
        WARDEN_STATE_DIR: stateDir,
        WARDEN_HTTP_PORT: String(httpPort),
        WARDEN_TEMPORAL_PORT: String(temporalPort),
        WARDEN_TEMPORAL_UI_PORT: String(uiPort),
        WARDEN_WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
        WARDEN_PLAYBOOKS_DIR: playbooks,
        AWS_ENDPOINT_URL_IAM: moto.endpoint,
        AWS_ENDPOINT_URL_STS: moto.endpoint,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
      }),
    );
    const url = `http://127.0.0.1:${httpPort}`;
    await expect.poll(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.status, { timeout: 120_000, interval: 250 }).toBe(200);
    expect(warden.output().stderr).toContain(`worker metrics on http://127.0.0.1:${metricsPort}/metrics`);
    const secret = readFileSync(join(stateDir, STATE_SECRETS.webhook.file), 'utf8').trim();
    const admin = readFileSync(join(stateDir, 'admin-token'), 'utf8').trim();

    const post = (body: string, headers: Record<string, string>) => fetch(`${url}/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const alert = JSON.stringify({
      type: 'credential.leaked',
      severity: 'high',
      title: 'Key in a public notebook',
      source: 'vitest-metrics',
      fingerprint: 'metrics-leak-1',
      principal: { aws_user: user.userName, aws_access_key_id: keyId },
    });
    const accepted = await post(alert, signedHeaders(secret, { method: 'POST', path: '/v1/alerts', body: alert }));
    expect(accepted.status).toBe(202);
    const { incidentId } = (await accepted.json()) as { incidentId: string };
    expect((await post(alert, signedHeaders('not-the-secret-0123456789', { method: 'POST', path: '/v1/alerts', body: alert }))).status).toBe(401);
    const invalid = JSON.stringify({ type: 'credential.leaked' });
    expect((await post(invalid, signedHeaders(secret, { method: 'POST', path: '/v1/alerts', body: invalid }))).status).toBe(400);

    // The key is disabled at moto, and delete_key waits for a person.
    const read = async () => (await (await fetch(`${url}/v1/incidents/${incidentId}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { steps: Record<string, { status: string }> };
    await expect.poll(async () => (await read()).steps.delete_key?.status, { timeout: 60_000 }).toBe('awaiting-approval');
    expect((await read()).steps.disable_key?.status).toBe('applied');
    expect((await iam.send(new ListAccessKeysCommand({ UserName: user.userName }))).AccessKeyMetadata?.[0]?.Status).toBe('Inactive');

    // The server's /metrics: refused without a token, read with one.
    const unauthenticated = await fetch(`${url}/metrics`);
    expect(unauthenticated.status).toBe(401);
    const scraped = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    const server = parsePrometheusTextFormat(await scraped.text());
    expect(sample(server, 'warden_alert_deliveries_total', { source: 'generic', result: 'accepted' })).toBe(1);
    expect(sample(server, 'warden_alert_deliveries_total', { source: 'generic', result: 'refused', reason: 'unauthenticated' })).toBe(1);
    expect(sample(server, 'warden_alert_deliveries_total', { source: 'generic', result: 'refused', reason: 'invalid' })).toBe(1);
    expect(sample(server, 'warden_temporal_up')).toBe(1);
    expect(sample(server, 'warden_incidents_open', { phase: 'eradicate' })).toBe(1);
    expect(['detect', 'contain', 'recover', 'lessons', 'done'].map((phase) => sample(server, 'warden_incidents_open', { phase }))).toEqual([0, 0, 0, 0, 0]);
    expect(sample(server, 'warden_approvals_waiting')).toBe(1);
    expect(sample(server, 'warden_approval_oldest_wait_seconds')).toBeGreaterThan(0);

    // The worker's endpoint: Warden's step metrics and the SDK's own.
    const workerText = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const worker = parsePrometheusTextFormat(workerText);
    const step = { action: 'aws.disableAccessKey', provider: 'aws', outcome: 'changed' };
    expect(sample(worker, 'warden_step_outcomes_total', step)).toBe(1);
    // The parser keeps a labelled histogram's buckets but not its labels: its series are read from the text.
    expect(worker.find((f) => f.name === 'warden_provider_call_duration_seconds')?.type).toBe('HISTOGRAM');
    const series = (suffix: string) =>
      workerText.split('\n').find((l) => l.startsWith(`warden_provider_call_duration_seconds_${suffix}{`) && l.includes('action="aws.disableAccessKey"') && l.includes('outcome="changed"'));
    expect(Number(series('count')?.split(' ').pop())).toBe(1);
    expect(Number(series('sum')?.split(' ').pop())).toBeGreaterThan(0);
    expect(worker.some((f) => f.name.startsWith('temporal_') && f.name.includes('activity'))).toBe(true);
  }, 240_000);
});
