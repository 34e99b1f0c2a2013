import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { incidentStateQuery, incidentWorkflowId } from '../../../contracts/incident.js';
import type { incidentWorkflow } from '../../../workflows/incident/incident.js';
import { alert, HEADER, playbook, startPeers, type Peers, resolveAndClose } from '../../helpers/incident.js';
import { createTimeSkippingEnv, withWorker } from '../../harness.js';

let env: TestWorkflowEnvironment;
let peers: Peers;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
  peers = await startPeers();
});
afterAll(async () => {
  await peers.close();
  await env?.teardown();
});

describe('approval timers over hours, on the time-skipping server', () => {
  it('sends reminders at their offsets, escalates at the deadline, and rejects when the chain is exhausted', async () => {
    const pb = playbook(`${HEADER}
phases:
  contain:
    - id: gate
      action: notify.slack
      with: { channel: "#ops", text: "approved" }
      approval: { groups: [security-oncall], timeout: 4h, reminders: [1h, 15m], escalation: [security-leads], onTimeout: escalate }
`);
    const incidentId = `ts-${randomUUID().slice(0, 8)}`;
    const started = Date.now();
    const final = await withWorker({ providers: peers.deps }, { env, name: 'time' }, async ({ client, taskQueue }) => {
      const handle = await client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
        taskQueue,
        workflowId: incidentWorkflowId(incidentId),
        args: [{ incidentId, playbook: pb.playbook, playbookSha256: pb.sha256, alert: alert(), dryRun: false, openedBy: 'alert:vitest' }],
      });
      // Skip time an hour at a time until the incident waits for a person to resolve it (a result
      // awaited while it waits with no timer would skip time to its end).
      for (let h = 0; h < 12 && (await handle.query(incidentStateQuery)).awaiting !== 'resolution'; h++) await env.sleep('1h');
      return resolveAndClose(handle);
    });
    const record = final.steps.gate!.approval!;
    expect(record.remindersSent).toEqual(['0:1h', '0:15m', '1:1h', '1:15m']);
    expect(record).toMatchObject({ escalationLevel: 1, outcome: 'timeout-rejected' });
    // Two 4-hour deadlines passed in workflow time, in seconds of wall time.
    expect(Date.parse(record.decidedAt!) - Date.parse(record.requestedAt)).toBeGreaterThanOrEqual(8 * 3600_000);
    expect(Date.now() - started).toBeLessThan(60_000);
    // The request message, then its thread: two reminders, the escalation, two reminders, the outcome.
    const thread = peers.slack.messages.filter((m) => m.thread_ts === record.slack!.ts).map((m) => m.text.split(':')[0]);
    expect(thread).toEqual(['Reminder', 'Reminder', 'Escalated', 'Reminder', 'Reminder', 'timeout-rejected']);
    const request = peers.slack.messages.find((m) => m.ts === record.slack!.ts)!;
    expect(JSON.stringify(request.blocks)).toContain('Expired: rejected');
  });
});
