import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { smokeRelease, smokeStage, type SmokeResult } from '../../contracts/smoke.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';

describe('smoke workflow', () => {
  it('echoes through an activity, sleeps on a durable timer and waits for release', async () => {
    const client = await suiteClient();
    const taskQueue = uniqueTaskQueue('smoke');
    await withWorker({ providers: {} }, { taskQueue }, async () => {
      const plain = (await client.workflow.execute('smokeWorkflow', { taskQueue, workflowId: `smoke-plain-${randomUUID()}`, args: [{ message: 'hi' }] })) as SmokeResult;
      expect(plain).toMatchObject({ message: 'hi', released: false, sleptMs: 0 });
      expect(plain.echoedBy).toMatch(/:\d+$/);

      const slept = (await client.workflow.execute('smokeWorkflow', { taskQueue, workflowId: `smoke-sleep-${randomUUID()}`, args: [{ message: 'zz', sleepMs: 300 }] })) as SmokeResult;
      expect(slept.sleptMs).toBe(300);

      const held = await client.workflow.start('smokeWorkflow', { taskQueue, workflowId: `smoke-hold-${randomUUID()}`, args: [{ message: 'wait', holdForRelease: true }] });
      await expect.poll(() => held.query(smokeStage), { timeout: 10_000 }).toBe('holding');
      await held.signal(smokeRelease);
      expect(await held.result()).toMatchObject({ released: true });
      expect(await held.query(smokeStage)).toBe('done');
    });
    await client.connection.close();
  });
});
