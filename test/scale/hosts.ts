import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { ParsedMail } from 'mailparser';
import { expect } from 'vitest';
import type { EvidenceStore } from '../../activities/ports/evidence.js';
import type { ReviewStore } from '../../activities/ports/review-store.js';
import { createS3EvidenceStore } from '../../activities/providers/s3/s3-evidence-store.js';
import { createS3ReviewStore } from '../../activities/providers/s3/s3-review-store.js';
import { parseEnvConfig } from '../../config/config.js';
import type { EvidenceReader } from '../../server/routes/review-access.js';
import { assertBuilt, cleanEnv, spawnNode } from '../helpers/cli.js';
import { SUITE_ENV, suiteValue } from '../helpers/suite-env.js';
import { startIamCounter, type IamCall, type IamCounter } from '../offboarding/iam-counter.js';
import { MOTO_CREDENTIALS, motoS3Client } from '../peers/moto.js';

/**
 * Two hosts for the #18.3 kill tests: built workers (dist/, test/scale/host-worker-child.mjs) in
 * processes of their own, each with its own state dir and warden.yaml, on one task queue of the
 * suite's Temporal server, sharing only an S3 bucket on moto (evidence, review store, email
 * ledger). Each host reaches IAM through its own counting proxy, so the peer side says which host
 * did what, and a test can kill a host at an observed change (never after a fixed sleep).
 */
const CHILD = fileURLToPath(new URL('./host-worker-child.mjs', import.meta.url));
export const HOSTS = ['host-a', 'host-b'] as const;
export type HostName = (typeof HOSTS)[number];
export type Host = ReturnType<typeof spawnNode>;

export interface TwoHosts {
  readonly counters: Record<HostName, IamCounter>;
  readonly hosts: Partial<Record<HostName, Host>>;
  /** Called with the host whose proxy received a change and its number n, counted across both proxies. */
  onChange?: (host: HostName, n: number, call: IamCall) => void;
  /** Starts a host polling `taskQueue` with `config` as its warden.yaml; resolves once it polls. */
  start(name: HostName, taskQueue: string, config: string, env?: Record<string, string>): Promise<Host>;
  /** SIGKILLs `name`; resolves with the other host once the killed process is gone. */
  kill(name: HostName): Promise<HostName>;
  /** How many changes of `action` reached IAM through both proxies (for one value of `param` when named). */
  readonly count: (action: string, param?: readonly [string, string]) => number;
  /** The shared bucket's evidence, read as the server reads it (its own client, the hosts' settings). */
  evidence(): EvidenceStore & EvidenceReader;
  /** The shared bucket's review store, as the hosts read it. */
  reviewStore(): ReviewStore;
  close(): Promise<void>;
}

/**
 * The counting proxies (each change held `holdMs(call, n)` before it reaches moto; n counted
 * across both proxies), the shared bucket and a root for the state dirs; hosts start on demand.
 */
export async function startTwoHosts(motoEndpoint: string, holdMs: (call: IamCall, n: number) => number = () => 300): Promise<TwoHosts> {
  assertBuilt();
  const root = mkdtempSync(join(tmpdir(), 'warden-two-hosts-'));
  const bucket = `two-hosts-${randomUUID().slice(0, 8)}`;
  await motoS3Client(motoEndpoint).send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  const s3Env = {
    WARDEN_EVIDENCE_STORE: 's3',
    WARDEN_EVIDENCE_BUCKET: bucket,
    WARDEN_EVIDENCE_S3_ENDPOINT: motoEndpoint,
    WARDEN_EVIDENCE_RETENTION_DAYS: '1',
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
  /** The bucket's settings as a host parses them from its environment. */
  const reader = () => parseEnvConfig({ ...s3Env, WARDEN_STATE_DIR: join(root, 'reader') }, process.cwd()).providers;
  const hosts: Partial<Record<HostName, Host>> = {};
  const counters = {} as Record<HostName, IamCounter>;
  let changes = 0;
  const world: TwoHosts = {
    counters,
    hosts,
    async start(name, taskQueue, config, env = {}) {
      const stateDir = join(root, name);
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(join(stateDir, 'warden.yaml'), config);
      const base = cleanEnv({});
      for (const k of Object.keys(base)) if (/^(AWS_|GITHUB_|SLACK_|SMTP_|MLFLOW_)/.test(k)) delete base[k];
      const suite = Object.fromEntries((['address', 'namespace', 'keys', 'bundle'] as const).map((k) => [SUITE_ENV[k], suiteValue(k)]));
      const host = spawnNode(CHILD, {
        ...base,
        ...s3Env,
        ...suite,
        HOST_NAME: name,
        HOST_TASK_QUEUE: taskQueue,
        WARDEN_STATE_DIR: stateDir,
        WARDEN_CONFIG: join(stateDir, 'warden.yaml'),
        AWS_ENDPOINT_URL_IAM: counters[name].endpoint,
        AWS_ENDPOINT_URL_STS: motoEndpoint,
        ...env,
      });
      hosts[name] = host;
      await expect.poll(host.output, { timeout: 30_000, interval: 100 }).toContain(`polling ${stateDir}`);
      return host;
    },
    async kill(name) {
      const host = hosts[name];
      host?.kill('SIGKILL');
      expect(await host?.exited).toBe('SIGKILL');
      return HOSTS.find((h) => h !== name)!;
    },
    count: (action, param) => HOSTS.reduce((n, h) => n + counters[h].count(action, param), 0),
    evidence() {
      const s3 = reader().evidenceS3!;
      return { ...createS3EvidenceStore({ client: motoS3Client(motoEndpoint), bucket: s3.bucket, prefix: s3.prefix }), describe: `s3://${s3.bucket}/${s3.prefix}` };
    },
    reviewStore() {
      const s3 = reader().reviewS3!;
      return createS3ReviewStore({ client: motoS3Client(motoEndpoint), bucket: s3.bucket, prefix: s3.prefix });
    },
    async close() {
      for (const h of Object.values(hosts)) h.kill('SIGKILL');
      await Promise.all([...Object.values(hosts).map((h) => h.exited), ...Object.values(counters).map((c) => c.close())]);
      rmSync(root, { recursive: true, force: true });
    },
  };
  for (const h of HOSTS) {
    counters[h] = await startIamCounter(motoEndpoint, {
      delayMs: (call) => holdMs(call, changes),
      onChange: (call) => world.onChange?.(h, ++changes, call),
    });
  }
  return world;
}

/**
 * Asserts that the SMTP peer received each email once (no Message-ID twice, no recipients and
 * subject twice); returns how many each address received.
 */
export function expectEachMailOnce(mail: readonly ParsedMail[]): Record<string, number> {
  const ids = mail.map((m) => m.messageId);
  expect(ids.every(Boolean)).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
  const sent = mail.map((m) => `${JSON.stringify(m.to)} ${m.subject ?? ''}`);
  expect(new Set(sent).size).toBe(sent.length);
  const perRecipient: Record<string, number> = {};
  for (const m of mail) for (const to of Array.isArray(m.to) ? m.to : m.to ? [m.to] : []) for (const a of to.value) perRecipient[a.address ?? ''] = (perRecipient[a.address ?? ''] ?? 0) + 1;
  return perRecipient;
}
