import { randomUUID } from 'node:crypto';
import { connectClient } from '../../temporal/connection.js';
import { SMOKE_WORKFLOW_PREFIX, type SmokeResult } from '../../contracts/smoke.js';
import { TASK_QUEUE } from '../../contracts/task-queue.js';
import { commandContext, workflowUiLink } from '../context.js';

/** Runs the smoke workflow through the running system and prints its result and Web UI link. */
export async function smoke(opts: { timeoutMs: number }): Promise<number> {
  const ctx = commandContext();
  const client = await connectClient(ctx.target, ctx.dataConverter);
  try {
    const workflowId = `${SMOKE_WORKFLOW_PREFIX}${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    const handle = await client.workflow.start('smokeWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [{ message: 'warden smoke check', sleepMs: 100 }],
      workflowExecutionTimeout: '5 minutes',
    });
    const timer = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no result after ${opts.timeoutMs} ms: is a worker polling task queue "${TASK_QUEUE}"? (warden start or warden worker)`)), opts.timeoutMs).unref(),
    );
    const result = (await Promise.race([handle.result(), timer])) as SmokeResult;
    process.stdout.write(`${JSON.stringify({ workflowId, runId: handle.firstExecutionRunId, result }, null, 2)}\n`);
    const link = workflowUiLink(ctx, workflowId, handle.firstExecutionRunId);
    if (link) process.stdout.write(`Web UI: ${link}\n`);
    return 0;
  } finally {
    await client.connection.close();
  }
}
