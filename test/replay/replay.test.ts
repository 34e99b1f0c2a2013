import { readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { wardenDataConverter } from '../../codec/data-converter.js';
import { suiteValue } from '../helpers/suite-env.js';
import { suiteClient, suiteKeyring } from '../harness.js';

/**
 * Runs after the rest of the suite (vitest groupOrder): every closed workflow the suite left on
 * the dev server is replayed against the current workflow code and must not diverge.
 */
describe('replay of the suite histories', () => {
  it('replays every closed workflow with no nondeterminism error', async () => {
    // A reviewer of 50,000 items leaves a history of about 6.5 MB: more than gRPC's default 4 MB answer.
    const client = await suiteClient({ maxReceiveBytes: 64 * 1024 * 1024 });
    const executions = client.workflow.list({ query: 'ExecutionStatus != "Running"' });
    const histories = [];
    for await (const execution of executions) {
      // Workflows written under the rotation test's private keys are replayed there, not here.
      if (execution.workflowId.startsWith('rot-')) continue;
      // Stand-ins that borrow a real workflow type to play its part (test/helpers/inventory.ts) run other code.
      if (execution.workflowId.startsWith('stand-in-')) continue;
      histories.push({ workflowId: execution.workflowId, history: await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory() });
    }
    expect(histories.length).toBeGreaterThanOrEqual(3);

    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: { code: readFileSync(suiteValue('bundle'), 'utf8') }, dataConverter: wardenDataConverter(suiteKeyring()) }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
    await client.connection.close();
  });
});
