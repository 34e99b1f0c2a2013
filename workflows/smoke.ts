import { condition, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { DiagnosticsActivities } from '../activities/diagnostics.js';
import { smokeRelease, smokeStage, type SmokeInput, type SmokeResult, type SmokeStage } from '../contracts/smoke.js';

const { echo } = proxyActivities<DiagnosticsActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

/**
 * End-to-end check of a running Warden: one activity round trip through the worker, an
 * optional durable timer and an optional wait for a signal. No side effects.
 */
export async function smokeWorkflow(input: SmokeInput): Promise<SmokeResult> {
  let stage: SmokeStage = 'echoing';
  let released = false;
  setHandler(smokeStage, () => stage);
  setHandler(smokeRelease, () => {
    released = true;
  });

  const echoed = await echo({ message: input.message });
  const sleptMs = Math.max(0, input.sleepMs ?? 0);
  if (sleptMs > 0) {
    stage = 'sleeping';
    await sleep(sleptMs);
  }
  if (input.holdForRelease) {
    stage = 'holding';
    await condition(() => released);
  }
  stage = 'done';
  return { message: echoed.message, echoedBy: echoed.worker, workflowId: workflowInfo().workflowId, released, sleptMs };
}
