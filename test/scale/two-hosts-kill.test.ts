import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3EvidenceStore } from '../../activities/providers/s3/s3-evidence-store.js';
import { parseEnvConfig } from '../../config/config.js';
import type { OffboardingReport } from '../../activities/offboarding/render/report.js';
import { app } from '../activities/github/fixture.js';
import { assertBuilt, cleanEnv } from '../helpers/cli.js';
import { SUITE_ENV, suiteValue } from '../helpers/suite-env.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { iamHoldings, inputFor, MANAGER, ORG, SECURITY, seedDeparting, startOffboarding, startWorld, type OffboardingWorld } from '../offboarding/fixture.js';
import { startIamCounter, type IamCounter } from '../offboarding/iam-counter.js';
import { MOTO_CREDENTIALS, motoS3Client } from '../peers/moto.js';

/**
 * #18.3: two hosts (worker processes, each with its own state dir) on one Temporal server and one
 * task queue, sharing only the S3 bucket (evidence, review store, email ledger) on moto. The host
 * that holds an IAM change of an offboarding in flight is killed with SIGKILL; the other finishes
 * the offboarding. Each host reaches IAM through its own counting proxy, so the peer side says which
 * host did what: the kill waits on the held change (no fixed sleep), and every change is counted
 * across both proxies.
 */
const CHILD = fileURLToPath(new URL('./host-worker-child.mjs', import.meta.url));
const HOSTS = ['host-a', 'host-b'] as const;
type HostName = (typeof HOSTS)[number];
type Host = ChildProcess & { readonly exited: Promise<NodeJS.Signals | null> };

let w: OffboardingWorld;
let client: Client;
let root: string;
let s3Env: Record<string, string>;
const counters = {} as Record<HostName, IamCounter>;
const hosts = {} as Record<HostName, Host>;
/** Called with the host whose proxy received the n-th IAM change (n counted across both proxies). */
let onChange: ((host: HostName, n: number) => void) | undefined;
let changes = 0;

beforeAll(async () => {
  assertBuilt();
  [w, client] = await Promise.all([startWorld(), suiteClient()]);
  for (const h of HOSTS) counters[h] = await startIamCounter(w.moto.endpoint, { delayMs: 300, onChange: () => onChange?.(h, ++changes) });
  const bucket = `two-hosts-${randomUUID().slice(0, 8)}`;
  await motoS3Client(w.moto.endpoint).send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  s3Env = {
    WARDEN_EVIDENCE_STORE: 's3',
    WARDEN_EVIDENCE_BUCKET: bucket,
    WARDEN_EVIDENCE_S3_ENDPOINT: w.moto.endpoint,
    WARDEN_EVIDENCE_RETENTION_DAYS: '1',
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
  root = mkdtempSync(join(tmpdir(), 'warden-two-hosts-'));
}, 120_000);

afterAll(async () => {
  for (const h of Object.values(hosts)) h.kill('SIGKILL');
  await Promise.all([w?.close(), ...Object.values(counters).map((c) => c.close()), client?.connection.close()]);
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A host: the built worker (dist/) in its own process, its own state dir and warden.yaml, polling `taskQueue`. */
async function startHost(name: HostName, taskQueue: string): Promise<Host> {
  const stateDir = join(root, name);
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, 'warden.yaml'), `people:\n  - { id: ${MANAGER.id}, name: ${MANAGER.id}, email: ${MANAGER.email} }\n`);
  const base = cleanEnv({});
  for (const k of Object.keys(base)) if (/^(AWS_|GITHUB_|SLACK_|SMTP_|MLFLOW_)/.test(k)) delete base[k];
  const suite = Object.fromEntries((['address', 'namespace', 'keys', 'bundle'] as const).map((k) => [SUITE_ENV[k], suiteValue(k)]));
  const child = spawn(process.execPath, [CHILD], {
    env: {
      ...base,
      ...s3Env,
      ...suite,
      HOST_NAME: name,
      HOST_TASK_QUEUE: taskQueue,
      WARDEN_STATE_DIR: stateDir,
      WARDEN_CONFIG: join(stateDir, 'warden.yaml'),
      SMTP_URL: `smtp://127.0.0.1:${w.peers.smtp.port}`,
      AWS_ENDPOINT_URL_IAM: counters[name].endpoint,
      AWS_ENDPOINT_URL_STS: w.moto.endpoint,
      WARDEN_GITHUB_ORG: ORG,
      GITHUB_API_URL: w.gh.baseUrl,
      GITHUB_APP_ID: app.appId,
      GITHUB_APP_PRIVATE_KEY: app.privateKey,
      GITHUB_APP_INSTALLATION_ID: app.installationId,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  hosts[name] = Object.assign(child, { exited });
  await expect.poll(() => out, { timeout: 30_000, interval: 100 }).toContain(`polling ${stateDir}`);
  return hosts[name];
}

describe('two hosts on one Temporal server, one killed with SIGKILL mid-offboarding', () => {
  it('the other host finishes it; each change reached the peers once, each email was sent once, the report is in the shared bucket', { timeout: 60_000 }, async () => {
    const taskQueue = uniqueTaskQueue('two-hosts');
    await Promise.all(HOSTS.map((h) => startHost(h, taskQueue)));
    const d = await seedDeparting(w);
    const started = Date.now();
    // The fifth IAM change (the console password's deletion) is held at its host's proxy: that host dies with it in flight.
    const killed = new Promise<HostName>((resolve) => {
      onChange = (host, n) => {
        if (n !== 5) return;
        hosts[host].kill('SIGKILL');
        resolve(host);
      };
    });
    const handle = await startOffboarding(client, taskQueue, inputFor(d, { retentionDays: 0, policy: { timeout: '5s', initialInterval: '200ms', maxAttempts: 5 } }));
    const victim = await killed;
    expect(await hosts[victim].exited).toBe('SIGKILL');
    const survivor = HOSTS.find((h) => h !== victim)!;
    const survivorBefore = counters[survivor].changes.length;

    const final = await handle.result();
    const seconds = (Date.now() - started) / 1000;
    expect(final).toMatchObject({ phase: 'done', retention: { status: 'deleted' } });
    expect(final.items.every((i) => i.status === 'done')).toBe(true);
    // The survivor did the rest: IAM changes after the kill arrived at its proxy.
    expect(counters[survivor].changes.length).toBeGreaterThan(survivorBefore);
    // The deletion held at the dead host's proxy reached moto after the kill; the survivor's retry found it done.
    expect(final.items.find((i) => i.id.endsWith('/login-profile'))).toMatchObject({ outcome: 'already', runs: 1 });
    expect(await iamHoldings(w.admin, d.person.id)).toEqual({ exists: false });

    // Each IAM change reached moto once, counted at both hosts' proxies.
    const count = (action: string, param?: readonly [string, string]) => counters['host-a'].count(action, param) + counters['host-b'].count(action, param);
    const key = (i: number) => ['AccessKeyId', d.iam.accessKeys[i]!.accessKeyId] as const;
    expect([0, 1].map((i) => [count('UpdateAccessKey', key(i)), count('DeleteAccessKey', key(i))])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const once = ['DeleteLoginProfile', 'DeactivateMFADevice', 'DeleteUserPolicy', 'DeleteSSHPublicKey', 'AttachUserPolicy', 'DeleteUser'];
    expect(Object.fromEntries(once.map((a) => [a, count(a)]))).toEqual(Object.fromEntries(once.map((a) => [a, 1])));
    expect(d.iam.groups.map((g) => count('RemoveUserFromGroup', ['GroupName', g]))).toEqual([1, 1]);
    // Each GitHub change once.
    const githubChanges = w.gh.requests.filter((r) => r.method !== 'GET' && !r.route.startsWith('POST /app/') && r.status < 300).map((r) => r.url);
    expect(githubChanges.sort()).toEqual(
      [
        ...d.grantIds.map((g) => `/orgs/${ORG}/personal-access-tokens/${g}`),
        `/orgs/${ORG}/credential-authorizations/${d.credentialIds[0]}`,
        `/orgs/${ORG}/memberships/${d.person.githubLogin!}`,
        `/orgs/${ORG}/invitations/${d.invitationId}`,
      ].sort(),
    );

    // Each email once, as the SMTP peer received them: no Message-ID twice, no (recipients, subject) twice; security and the manager each got the report.
    const mail = w.peers.smtp.messages;
    const ids = mail.map((m) => m.messageId);
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const sent = mail.map((m) => `${JSON.stringify(m.to)} ${m.subject ?? ''}`);
    expect(new Set(sent).size).toBe(sent.length);
    for (const to of [SECURITY, MANAGER.email]) expect(mail.some((m) => JSON.stringify(m.to).includes(to))).toBe(true);

    // The final report, read back from the shared bucket (neither host's disk): every revocation done once, the held one found done.
    const record = final.reports.find((r) => r.stage === 'final');
    const s3 = parseEnvConfig({ ...s3Env, WARDEN_STATE_DIR: join(root, 'reader') }, process.cwd()).providers.evidenceS3!;
    const evidence = createS3EvidenceStore({ client: motoS3Client(w.moto.endpoint), bucket: s3.bucket, prefix: s3.prefix });
    const body = await evidence.get(record!.json.key);
    const report = JSON.parse(new TextDecoder().decode(body)) as OffboardingReport;
    const rows = report.credentials;
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.status !== 'done')).toEqual([]);
    expect(new Set(rows.map((r) => r.item)).size).toBe(rows.length);
    expect(rows.find((r) => r.item.endsWith('/login-profile'))).toMatchObject({ outcome: 'already' });
    expect(rows.some((r) => r.item.endsWith('/delete-user'))).toBe(true);
    console.log(`two hosts: offboarding done in ${seconds.toFixed(1)} s; ${victim} killed at IAM change 5, ${survivor} finished; ${mail.length} emails, each once`);
  });
});
