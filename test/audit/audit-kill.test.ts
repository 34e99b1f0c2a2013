import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_WORKFLOW_TYPE, auditAppendSignal, auditHeadQuery, auditWorkflowId, type AuditEntry } from '../../contracts/audit.js';
import { verifyStore } from '../../cli/commands/audit.js';
import { assertBuilt, spawnNode } from '../helpers/cli.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { auditDir, entry } from './fixture.js';

const CHILD = fileURLToPath(new URL('./audit-worker-child.mjs', import.meta.url));

let client: Client;
beforeAll(async () => {
  client = await suiteClient();
});
afterAll(async () => {
  await client.connection.close();
});

describe('a worker SIGKILLed mid-append', () => {
  it('leaves the chain valid with every record once: the batch it wrote is written again identically by the next worker', async () => {
    assertBuilt();
    const a = auditDir();
    const taskQueue = uniqueTaskQueue('audit-kill');
    const child = spawnNode(CHILD, { ...process.env, AUDIT_DIR: a.dir, AUDIT_TASK_QUEUE: taskQueue, AUDIT_SECRET_KEY: a.setup.secretKey, AUDIT_HOLD_MS: '60000' });
    const { output: out, exited } = child;
    try {
      await expect.poll(out, { timeout: 60_000, interval: 200 }).toContain('polling');
      const append = (entries: AuditEntry[]) =>
        client.workflow.signalWithStart(AUDIT_WORKFLOW_TYPE, { workflowId: auditWorkflowId(taskQueue), taskQueue, args: [{}], signal: auditAppendSignal, signalArgs: [entries] });
      await append([1, 2, 3, 4, 5].map((n) => entry(n)));
      // The batch is on disk, the activity has not completed, the head has not moved: kill it now.
      await expect.poll(out, { timeout: 30_000, interval: 100 }).toContain('wrote 000000000001.jsonl');
      expect(readdirSync(a.dir)).not.toContain('head.json');
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // Appends go on while no worker runs, some of them repeats.
      await append([entry(2), entry(6), entry(7)]);
      await append([entry(7), entry(8), entry(5)]);

      await withWorker({ providers: {}, audit: a.setup }, { taskQueue }, async () => {
        const handle = client.workflow.getHandle(auditWorkflowId(taskQueue));
        // The first batch's activity is retried once its 10 s timeout passes.
        await expect.poll(() => handle.query(auditHeadQuery), { timeout: 60_000, interval: 500 }).toMatchObject({ seq: 8, unwritten: 0 });
      });
    } finally {
      child.kill('SIGKILL');
    }
    const v = await verifyStore(a.setup.store, a.publicKey);
    expect(v.problem).toBeUndefined();
    expect(v).toMatchObject({ ok: true, batches: 2 });
    expect(v.records.map((r) => `${r.seq}:${r.key}`)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `${n}:k-${n}`));
  }, 120_000);
});
