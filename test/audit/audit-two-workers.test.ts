import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditKey } from '../../config/audit-key.js';
import { AUDIT_WORKFLOW_TYPE, auditAppendSignal, auditHeadQuery, auditWorkflowId } from '../../contracts/audit.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { MOTO_CREDENTIALS, startMoto, type MotoPeer } from '../peers/moto.js';

const CHILD = fileURLToPath(new URL('./audit-s3-worker-child.mjs', import.meta.url));
const APPENDS = 40;
const AFTER = 10;

let client: Client;
let moto: MotoPeer;
beforeAll(async () => {
  client = await suiteClient();
  moto = await startMoto();
}, 120_000);
afterAll(async () => {
  await moto?.stop();
  await client?.connection.close();
});

describe('two worker processes on one Temporal server, one audit chain', () => {
  it('both append concurrently, each with its own state dir, to the S3 trail, and the other takes the chain over when one stops: warden audit verify passes and no record is there twice', async () => {
    assertBuilt();
    const bucket = `warden-two-${randomBytes(4).toString('hex')}`;
    await new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS }).send(
      new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }),
    );
    const taskQueue = uniqueTaskQueue('audit-two');
    const root = mkdtempSync(join(tmpdir(), 'warden-two-workers-'));
    const stateDirs = [join(root, 'a'), join(root, 'b')];
    // One deployment, one sealing key: each host holds a copy in its own state dir.
    loadAuditKey(join(stateDirs[0]!, 'audit-signing-key'));
    loadAuditKey(join(stateDirs[1]!, 'audit-signing-key'));
    copyFileSync(join(stateDirs[0]!, 'audit-signing-key'), join(stateDirs[1]!, 'audit-signing-key'));
    const auditEnv = {
      WARDEN_AUDIT: 's3',
      WARDEN_AUDIT_S3_BUCKET: bucket,
      WARDEN_AUDIT_S3_ENDPOINT: moto.endpoint,
      WARDEN_AUDIT_S3_RETENTION_DAYS: '1',
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    };
    const startAt = String(Date.now() + 8_000);
    const children: (ChildProcess & { out: () => string })[] = ['worker-a', 'worker-b'].map((name, i) => {
      const child = spawn(process.execPath, [CHILD], {
        env: {
          ...process.env,
          ...auditEnv,
          WARDEN_STATE_DIR: stateDirs[i]!,
          TEMPORAL_ADDRESS: '127.0.0.1:1',
          WORKER_NAME: name,
          AUDIT_TASK_QUEUE: taskQueue,
          APPENDS: String(APPENDS),
          START_AT: startAt,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      return Object.assign(child, { out: () => out });
    });
    try {
      await expect.poll(() => children.map((c) => c.out().includes('appended')), { timeout: 60_000, interval: 300 }).toEqual([true, true]);
      const handle = client.workflow.getHandle(auditWorkflowId(taskQueue));
      const headIs = (seq: number) =>
        expect
          .poll(
            async () => {
              const head = await handle.query(auditHeadQuery);
              return `${head.seq} records, ${head.unwritten} unwritten`;
            },
            { timeout: 60_000, interval: 500 },
          )
          .toBe(`${seq} records, 0 unwritten`);
      const history = async () => (await handle.fetchHistory()).events ?? [];
      const ranOn = async () => [...new Set((await history()).flatMap((e) => [e.workflowTaskStartedEventAttributes?.identity, e.activityTaskStartedEventAttributes?.identity]).filter(Boolean))].sort();
      await headIs(2 * APPENDS);
      // Temporal keeps a workflow on the worker that has it cached (and hands it its activities):
      // stop the one that ran its last task, and the other takes the chain over from the history, mid-chain.
      const last = (await history()).flatMap((e) => e.workflowTaskStartedEventAttributes?.identity ?? []).at(-1);
      expect(['worker-a', 'worker-b']).toContain(last);
      const active = children[last === 'worker-a' ? 0 : 1]!;
      active.kill('SIGTERM');
      await new Promise((r) => (active.exitCode !== null ? r(null) : active.once('exit', r)));
      await client.workflow.signalWithStart(AUDIT_WORKFLOW_TYPE, {
        workflowId: auditWorkflowId(taskQueue),
        taskQueue,
        args: [{}],
        signal: auditAppendSignal,
        signalArgs: [
          Array.from({ length: AFTER }, (_, i) => ({ time: new Date().toISOString(), kind: 'token.use' as const, actor: 'test', subject: 'after the hand-over', details: {}, key: `test-${i + 1}` })),
        ],
      });
      await headIs(2 * APPENDS + AFTER);
      expect(await ranOn()).toEqual(['worker-a', 'worker-b']);
    } finally {
      for (const c of children) c.kill('SIGTERM');
    }
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));

    // The CLI, from either host's configuration, verifies the one chain.
    for (const stateDir of stateDirs) {
      const verify = await spawnCli(['audit', 'verify', '--json'], cleanEnv({ ...auditEnv, WARDEN_STATE_DIR: stateDir, TEMPORAL_ADDRESS: '127.0.0.1:1' })).done;
      expect(verify.code).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, records: 2 * APPENDS + AFTER });
    }
    const exported = await spawnCli(['audit', 'export'], cleanEnv({ ...auditEnv, WARDEN_STATE_DIR: stateDirs[1]!, TEMPORAL_ADDRESS: '127.0.0.1:1' })).done;
    const records = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; key: string });
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 2 * APPENDS + AFTER }, (_, i) => i + 1));
    const keys = records.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    const expected = [...['worker-a', 'worker-b'].flatMap((w) => Array.from({ length: APPENDS }, (_, i) => `${w}-${i + 1}`)), ...Array.from({ length: AFTER }, (_, i) => `test-${i + 1}`)];
    expect(keys.sort()).toEqual(expected.sort());
  }, 180_000);
});
