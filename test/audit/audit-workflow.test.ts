import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_WORKFLOW_TYPE, auditAppendSignal, auditHeadQuery, auditWorkflowId, type AuditEntry } from '../../contracts/audit.js';
import { verifyStore } from '../../cli/commands/audit.js';
import { createServerAudit } from '../../server/audit.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { auditDir, entry } from './fixture.js';

let client: Client;
beforeAll(async () => {
  client = await suiteClient();
});
afterAll(async () => {
  await client.connection.close();
});

const append = (taskQueue: string, entries: AuditEntry[], input: object = {}) =>
  client.workflow.signalWithStart(AUDIT_WORKFLOW_TYPE, { workflowId: auditWorkflowId(taskQueue), taskQueue, args: [input], signal: auditAppendSignal, signalArgs: [entries] });

/** Waits until the audit workflow has chained `seq` records and written them all. */
async function settled(taskQueue: string, seq: number): Promise<void> {
  const handle = client.workflow.getHandle(auditWorkflowId(taskQueue));
  await expect.poll(() => handle.query(auditHeadQuery), { timeout: 30_000, interval: 200 }).toMatchObject({ seq, unwritten: 0 });
}

describe('the audit workflow orders appends into one chain, each key once', () => {
  it('the same append signalled twice (and from the server with the same key) is one record', async () => {
    const a = auditDir();
    const taskQueue = uniqueTaskQueue('audit-once');
    await withWorker({ providers: {}, audit: a.setup }, { taskQueue }, async () => {
      await append(taskQueue, [entry(1), entry(2)]);
      await append(taskQueue, [entry(2), entry(1)]);
      const server = createServerAudit(client, taskQueue, (m) => expect.fail(m));
      server.append({ kind: 'token.use', actor: 'olga', subject: 'POST /v1/x', details: {}, key: 'req-1' });
      server.append({ kind: 'token.use', actor: 'olga', subject: 'POST /v1/x', details: {}, key: 'req-1' });
      await server.flush();
      await settled(taskQueue, 3);
    });
    const v = await verifyStore(a.setup.store, a.publicKey);
    expect(v.ok).toBe(true);
    expect(v.records.map((r) => r.key)).toEqual(['k-1', 'k-2', 'req-1']);
  });

  it('a batch written and then lost with its worker (the activity fails after writing) is written again identically, once', async () => {
    const a = auditDir();
    const taskQueue = uniqueTaskQueue('audit-retry');
    let calls = 0;
    await withWorker(
      { providers: {}, audit: a.setup },
      {
        taskQueue,
        activities: (real) => ({
          async auditWriteBatch(input: Parameters<typeof real.auditWriteBatch>[0]) {
            const written = await real.auditWriteBatch(input);
            calls += 1;
            if (calls === 1) throw new Error('the worker died after writing the batch');
            return written;
          },
        }),
      },
      async () => {
        await append(taskQueue, [entry(1), entry(2), entry(3)]);
        await settled(taskQueue, 3);
        await append(taskQueue, [entry(4)]);
        await settled(taskQueue, 4);
      },
    );
    expect(calls).toBeGreaterThanOrEqual(3);
    const v = await verifyStore(a.setup.store, a.publicKey);
    expect(v).toMatchObject({ ok: true, batches: 2 });
    expect(v.records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('continue-as-new carries the head, the seq and the keys seen: a repeat after it is still one record', async () => {
    const a = auditDir();
    const taskQueue = uniqueTaskQueue('audit-can');
    await withWorker({ providers: {}, audit: a.setup }, { taskQueue }, async () => {
      const input = { continueAsNewAfter: 20 };
      const runIdNow = async () => (await client.workflow.getHandle(auditWorkflowId(taskQueue)).describe()).runId;
      await append(taskQueue, [entry(1)], input);
      const firstRun = await runIdNow();
      for (let n = 1; n <= 12; n++) {
        await append(taskQueue, [entry(n)], input);
        await settled(taskQueue, n);
      }
      expect(await runIdNow()).not.toBe(firstRun);
      await append(taskQueue, [entry(3), entry(13)], input);
      await settled(taskQueue, 13);
    });
    const v = await verifyStore(a.setup.store, a.publicKey);
    expect(v.ok).toBe(true);
    expect(v.records.map((r) => r.key)).toEqual(Array.from({ length: 13 }, (_, i) => `k-${i + 1}`));
  });
});
