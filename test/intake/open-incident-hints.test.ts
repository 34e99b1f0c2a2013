/**
 * The intake's memory of open incidents (server/intake/open-incidents.ts), on the suite's Temporal
 * server: a repeated alert reaches its open incident in one call, and a hint that went stale (the
 * incident closed, or another run now holds its id) never makes the answer or the routing wrong.
 * Each call the intake makes is counted at the gRPC layer of its own connection.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wardenDataConverter } from '../../codec/data-converter.js';
import { incidentWorkflowId, type Alert } from '../../contracts/incident.js';
import { loadPlaybooks } from '../../playbook/load.js';
import { ingestAlert, joinedNothing, type IngestDeps, type IngestResult } from '../../server/intake/ingest.js';
import { createOpenIncidentHints } from '../../server/intake/open-incidents.js';
import { TEST_SIGNER } from '../helpers/decisions.js';
import { suiteValue } from '../helpers/suite-env.js';
import { terminateAllOn } from '../helpers/warden-server.js';
import { suiteKeyring, uniqueTaskQueue } from '../harness.js';

const calls: string[] = [];
let client: Client;
let deps: IngestDeps;
const taskQueue = uniqueTaskQueue('hints');

beforeAll(async () => {
  // Every RPC the client makes, by method name, then the SDK's own retries as usual.
  const count = (options: { method_definition: { path: string } }, next: (o: unknown) => unknown) => {
    calls.push(options.method_definition.path.split('/').pop()!);
    return next(options);
  };
  const connection = await Connection.connect({
    address: suiteValue('address'),
    interceptors: [count as never, makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
  });
  client = new Client({ connection, namespace: suiteValue('namespace'), dataConverter: wardenDataConverter(suiteKeyring()) });
  // No worker polls this queue: the incidents stay as their start and signals left them.
  deps = { client, playbooks: loadPlaybooks(['playbooks']).playbooks, taskQueue, decisionKey: TEST_SIGNER.publicKey, openIncidents: createOpenIncidentHints() };
});

afterAll(async () => {
  if (!client) return;
  await terminateAllOn(client, taskQueue);
  await client.connection.close();
});

const alertOf = (fingerprint: string): Alert => ({ type: 'test.hint', severity: 'medium', title: 'hinted', source: 'test', fingerprint });

async function ingest(fingerprint: string): Promise<{ result: IngestResult; calls: string[] }> {
  calls.length = 0;
  const outcome = await ingestAlert(deps, alertOf(fingerprint), { dryRun: false });
  if (joinedNothing(outcome)) throw new Error(`joined nothing: ${outcome.reason}`);
  return { result: outcome, calls: [...calls] };
}

async function alertsSignalled(incidentId: string): Promise<number> {
  const { events } = await client.workflow.getHandle(incidentWorkflowId(incidentId)).fetchHistory();
  return (events ?? []).filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length;
}

describe('a repeated alert and the open incident it joins', () => {
  it('opens the incident by looking it up, then joins it in one signalWithStart, the alert recorded each time', async () => {
    const fp = `hint-${randomUUID()}`;
    const first = await ingest(fp);
    expect(first.result.deduplicated).toBe(false);
    expect(first.calls).toEqual(['DescribeWorkflowExecution', 'SignalWithStartWorkflowExecution', 'DescribeWorkflowExecution']);

    const second = await ingest(fp);
    expect(second.result).toMatchObject({ incidentId: first.result.incidentId, deduplicated: true, playbook: 'triage', correlation: fp });
    expect(second.calls).toEqual(['SignalWithStartWorkflowExecution']);
    expect(await alertsSignalled(first.result.incidentId)).toBe(2);
  });

  it('opens the next incident, linked, when the hinted one closed since: Temporal refuses the start, and the full path runs', async () => {
    const fp = `hint-${randomUUID()}`;
    const first = await ingest(fp);
    await client.workflow.getHandle(first.result.workflowId).terminate('closed by the test');

    const next = await ingest(fp);
    expect(next.result).toMatchObject({ incidentId: `${first.result.incidentId}-2`, deduplicated: false, linkedIncidentId: first.result.incidentId });
    expect(next.calls[0]).toBe('SignalWithStartWorkflowExecution'); // the hinted id, refused
    expect(await alertsSignalled(first.result.incidentId)).toBe(1);
    expect(await alertsSignalled(next.result.incidentId)).toBe(1);
  });

  it('reads back in full when another run holds the hinted id, and keeps that run as the hint', async () => {
    const fp = `hint-${randomUUID()}`;
    const first = await ingest(fp);
    const handle = client.workflow.getHandle(first.result.workflowId);
    await handle.terminate('replaced by the test');
    // Another run under the same id (as a reset would leave), opened by another playbook.
    await client.workflow.start('incidentWorkflow', {
      workflowId: first.result.workflowId,
      taskQueue,
      args: [{}],
      memo: { firstAlertId: 'another-alert', playbook: 'leaked-credential' },
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });

    const joined = await ingest(fp);
    expect(joined.result).toMatchObject({ incidentId: first.result.incidentId, deduplicated: true, playbook: 'leaked-credential' });
    expect(joined.calls).toEqual(['SignalWithStartWorkflowExecution', 'DescribeWorkflowExecution']);
    const again = await ingest(fp);
    expect(again.calls).toEqual(['SignalWithStartWorkflowExecution']);
    expect(again.result).toMatchObject({ deduplicated: true, playbook: 'leaked-credential' });
  });

  it('keeps dry runs and live incidents apart', async () => {
    const fp = `hint-${randomUUID()}`;
    const live = await ingest(fp);
    const dry = await ingestAlert(deps, alertOf(fp), { dryRun: true });
    expect(joinedNothing(dry)).toBe(false);
    expect((dry as IngestResult).incidentId).not.toBe(live.result.incidentId);
    expect((dry as IngestResult).deduplicated).toBe(false);
  });
});

describe('the memory itself', () => {
  it('forgets a hint after its time, and the least recently confirmed first when full', () => {
    let now = 0;
    const hints = createOpenIncidentHints({ max: 2, ttlMs: 1000, now: () => now });
    const hint = (n: number) => ({ incidentId: `inc-${n}`, runId: `run-${n}`, playbook: 'triage' });
    hints.set('a', hint(1));
    hints.set('b', hint(2));
    hints.set('a', hint(1)); // confirmed again: b is now the oldest
    hints.set('c', hint(3));
    expect([hints.get('a')?.incidentId, hints.get('b'), hints.get('c')?.incidentId]).toEqual(['inc-1', undefined, 'inc-3']);
    now = 1001;
    expect(hints.get('a')).toBeUndefined();
    hints.set('d', hint(4));
    hints.forget('d');
    expect(hints.get('d')).toBeUndefined();
  });
});
