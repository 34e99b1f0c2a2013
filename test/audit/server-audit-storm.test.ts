import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHeadQuery, auditWorkflowId } from '../../contracts/audit.js';
import { verifyStore } from '../../cli/commands/audit.js';
import { createServerAudit } from '../../server/audit.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { auditDir } from './fixture.js';

let client: Client;
beforeAll(async () => {
  client = await suiteClient();
});
afterAll(async () => {
  await client.connection.close();
});

/**
 * An alert storm's audit records: the bench once saw 459 of 1,000 `alert.accepted` records lost,
 * each append its own signalWithStart and dropped on its first error. Now they queue, leave in
 * batches and are retried until Temporal takes them.
 */
describe('the server audit under a storm', () => {
  it('2,000 appends made at once all reach the chain, once each, in far fewer signals than records', async () => {
    const a = auditDir();
    const taskQueue = uniqueTaskQueue('audit-storm');
    const failures: string[] = [];
    await withWorker({ providers: {}, audit: a.setup }, { taskQueue }, async () => {
      const audit = createServerAudit(client, taskQueue, (m) => failures.push(m));
      for (let i = 0; i < 2000; i++) audit.append({ kind: 'alert.accepted', actor: 'sender:generic', subject: `alert-${i}`, details: { i }, key: `storm-${i}` });
      await audit.flush();
      const handle = client.workflow.getHandle(auditWorkflowId(taskQueue));
      await expect.poll(() => handle.query(auditHeadQuery), { timeout: 60_000, interval: 250 }).toMatchObject({ seq: 2000, unwritten: 0 });
      // Every signal of the run (the chain here is short enough not to continue as new): batches, not one per record.
      const signals = ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
      expect(signals).toBeGreaterThanOrEqual(10);
      expect(signals).toBeLessThanOrEqual(20);
    });
    const v = await verifyStore(a.setup.store, a.publicKey);
    expect(v.ok).toBe(true);
    expect(new Set(v.records.map((r) => r.key)).size).toBe(2000);
    expect(v.records.map((r) => r.key)).toEqual(Array.from({ length: 2000 }, (_, i) => `storm-${i}`));
    expect(failures).toEqual([]);
  });
});
