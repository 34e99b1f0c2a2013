import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { TASK_QUEUE } from '../../contracts/task-queue.js';
import { app } from '../activities/github/fixture.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { suiteValue } from '../helpers/suite-env.js';
import { suiteClient } from '../harness.js';
import { MOTO_CREDENTIALS } from '../peers/moto.js';
import { iamHoldings, inputFor, ORG, seedDeparting, startOffboarding, startWorld, type OffboardingWorld } from './fixture.js';
import { startIamCounter, type IamCall, type IamCounter } from './iam-counter.js';

// The built worker registers what activities/index.ts registers: this test needs the offboarding's activities there.
const registered = 'writeOffboardingReport' in createActivities({ providers: {} });

describe.skipIf(!registered)('the built worker SIGKILLed mid-revocation', () => {
  let w: OffboardingWorld;
  let client: Client;
  let counter: IamCounter;
  let dir: string;
  let worker: ReturnType<typeof spawnCli> | undefined;
  let killAt: ((call: IamCall) => void) | undefined;

  beforeAll(async () => {
    assertBuilt();
    [w, client] = await Promise.all([startWorld(), suiteClient()]);
    counter = await startIamCounter(w.moto.endpoint, { delayMs: 300, onChange: (call) => killAt?.(call) });
    dir = mkdtempSync(join(tmpdir(), 'warden-offboard-crash-'));
  }, 120_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await Promise.all([w?.close(), counter?.close(), client?.connection.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** `warden worker` from dist/, on the suite's server and the peers, polling the `warden` task queue. */
  async function startWorker(): Promise<ReturnType<typeof spawnCli>> {
    const base = cleanEnv({});
    for (const k of Object.keys(base)) if (/^(AWS_|GITHUB_|SLACK_|SMTP_|MLFLOW_)/.test(k)) delete base[k];
    const child = spawnCli(['worker'], {
      ...base,
      TEMPORAL_ADDRESS: suiteValue('address'),
      TEMPORAL_NAMESPACE: suiteValue('namespace'),
      WARDEN_ENCRYPTION_KEYS: suiteValue('keys'),
      WARDEN_STATE_DIR: join(dir, 'state'),
      WARDEN_EVIDENCE_DIR: join(dir, 'evidence'),
      AWS_ENDPOINT_URL_IAM: counter.endpoint,
      // Which account the credentials act in (STS GetCallerIdentity): moto answers STS too.
      AWS_ENDPOINT_URL_STS: w.moto.endpoint,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      WARDEN_GITHUB_ORG: ORG,
      GITHUB_API_URL: w.gh.baseUrl,
      GITHUB_APP_ID: app.appId,
      GITHUB_APP_PRIVATE_KEY: app.privateKey,
      GITHUB_APP_INSTALLATION_ID: app.installationId,
    });
    await expect.poll(() => child.output().stderr, { timeout: 60_000, interval: 100 }).toContain('ready');
    return child;
  }

  it('completes after a restart, and each revocation reached the peers exactly once', async () => {
    const d = await seedDeparting(w);
    worker = await startWorker();
    const first = worker;
    const killed = new Promise<void>((resolve) => {
      // The console password's deletion is held at the proxy: the worker dies with it in flight.
      killAt = (call) => {
        if (call.action !== 'DeleteLoginProfile') return;
        first.kill('SIGKILL');
        resolve();
      };
    });
    const handle = await startOffboarding(client, TASK_QUEUE, inputFor(d, { retentionDays: 0, policy: { timeout: '5s', initialInterval: '200ms', maxAttempts: 5 } }));
    await killed;
    await first.done;
    expect(first.output().code).toBeNull();

    worker = await startWorker();
    const final = await handle.result();
    worker.kill('SIGTERM');
    await worker.done;

    expect(final).toMatchObject({ phase: 'done', retention: { status: 'deleted' } });
    expect(final.items.every((i) => i.status === 'done')).toBe(true);
    // The deletion held at the proxy reached moto after the kill; the retry found it done.
    expect(final.items.find((i) => i.id.endsWith('/login-profile'))).toMatchObject({ outcome: 'already', runs: 1 });
    expect(await iamHoldings(w.admin, d.person.id)).toEqual({ exists: false });
    const key = (i: number) => ['AccessKeyId', d.iam.accessKeys[i]!.accessKeyId] as const;
    expect([0, 1].map((i) => [counter.count('UpdateAccessKey', key(i)), counter.count('DeleteAccessKey', key(i))])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(Object.fromEntries(['DeleteLoginProfile', 'DeactivateMFADevice', 'DeleteUserPolicy', 'DeleteSSHPublicKey', 'AttachUserPolicy', 'DeleteUser'].map((a) => [a, counter.count(a)]))).toEqual({
      DeleteLoginProfile: 1,
      DeactivateMFADevice: 1,
      DeleteUserPolicy: 1,
      DeleteSSHPublicKey: 1,
      AttachUserPolicy: 1,
      DeleteUser: 1,
    });
    expect(d.iam.groups.map((g) => counter.count('RemoveUserFromGroup', ['GroupName', g]))).toEqual([1, 1]);
    // The managed policy, then the quarantine policy before the deletion: each detached once.
    expect(counter.count('DetachUserPolicy', ['PolicyArn', d.iam.policyArns[0]!])).toBe(1);
    expect(counter.count('DetachUserPolicy')).toBe(2);

    const githubChanges = w.gh.requests.filter((r) => r.method !== 'GET' && !r.route.startsWith('POST /app/') && r.status < 300).map((r) => r.url);
    const login = d.person.githubLogin!;
    expect(githubChanges.sort()).toEqual(
      [
        ...d.grantIds.map((id) => `/orgs/${ORG}/personal-access-tokens/${id}`),
        `/orgs/${ORG}/credential-authorizations/${d.credentialIds[0]}`,
        `/orgs/${ORG}/memberships/${login}`,
        `/orgs/${ORG}/invitations/${d.invitationId}`,
      ].sort(),
    );
  }, 180_000);
});
