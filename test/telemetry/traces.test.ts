import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace as otelTrace } from '@opentelemetry/api';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureConverterPath, wardenDataConverter } from '../../codec/data-converter.js';
import { startTracing, WORKFLOW_TRACING_MODULE, type Tracing } from '../../temporal/tracing.js';
import { workflowsPath } from '../../worker/worker.js';
import { postAlert, startIntake, type IntakeServer } from '../helpers/intake.js';
import { suiteValue } from '../helpers/suite-env.js';
import { suiteKeyring, withWorker } from '../harness.js';
import { startOtlpReceiver } from './otlp-receiver.js';

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let tracing: Tracing;
let client: Client;
let intake: IntakeServer;
let bundlePath: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  tracing = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'warden-trace-test' })!;
  const noop = (): void => undefined;
  // The worker bundles tracing's workflow interceptors with the workflows, as `warden start` does with OTEL_* set.
  const bundle = await bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    failureConverterPath,
    workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
    logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop },
  });
  bundlePath = join(mkdtempSync(join(tmpdir(), 'warden-otel-')), 'bundle.js');
  writeFileSync(bundlePath, bundle.code);
  client = new Client({
    connection: await Connection.connect({ address: suiteValue('address') }),
    namespace: suiteValue('namespace'),
    dataConverter: wardenDataConverter(suiteKeyring()),
    interceptors: tracing.clientInterceptors(),
  });
  intake = await startIntake(client, { tracer: tracing.tracer });
}, 120_000);
afterAll(async () => {
  intake?.close();
  receiver?.close();
  await client?.connection.close();
});

describe('OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('an alert, its incident workflow and the activities it runs are spans of one trace, at a real OTLP/HTTP receiver', async () => {
    const { interceptors, sinks } = tracing.workerOptions();
    // The workflow interceptors are in the bundle already (the worker ignores workflowModules beside a bundle).
    const workerTracing = { sinks, interceptors: { ...interceptors, workflowModules: [] } };
    await withWorker({ providers: {} }, { taskQueue: intake.taskQueue, workflowBundlePath: bundlePath, tracing: workerTracing }, async () => {
      const res = await postAlert(intake.url, {
        type: 'credential.leaked',
        severity: 'high',
        title: 'otel trace',
        source: 'test',
        fingerprint: `otel-${Date.now()}`,
        principal: { aws_user: 'otel-user' },
      });
      expect(res.status).toBe(202);
      await expect
        .poll(
          async () => {
            await tracing.flush();
            // The workflow's StartActivity spans leave through a sink, maybe after the activity's own: wait for both.
            const started = new Set(receiver.spans.filter((s) => s.name === 'StartActivity:runAction').map((s) => s.spanId));
            const ran = receiver.spans.filter((s) => s.name === 'RunActivity:runAction');
            return ran.length > 0 && ran.every((r) => started.has(r.parentSpanId));
          },
          { timeout: 60_000, interval: 1_000 },
        )
        .toBe(true);
    });
    await tracing.flush();
    const server = receiver.spans.find((s) => s.name === 'POST /v1/alerts');
    expect(server).toMatchObject({ kind: 2, service: 'warden-trace-test', parentSpanId: '' }); // SERVER, the root
    const trace = receiver.spans.filter((s) => s.traceId === server!.traceId);
    const named = (name: string) => trace.filter((s) => s.name === name);
    // The request's span is the parent of the client's signalWithStart, which the workflow's signal handling continues.
    const start = named('SignalWithStartWorkflow:incidentWorkflow');
    expect(start).toHaveLength(1);
    expect(start[0]!.parentSpanId).toBe(server!.spanId);
    expect(named('HandleSignal:incident.alert').length).toBeGreaterThanOrEqual(1);
    // Each activity the workflow scheduled ran in the same trace, a child of its StartActivity span.
    const scheduled = named('StartActivity:runAction');
    const ran = named('RunActivity:runAction');
    expect(scheduled.length).toBeGreaterThanOrEqual(1);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    for (const r of ran) expect(scheduled.map((s) => s.spanId)).toContain(r.parentSpanId);
    // Inside an activity, the action's calls to its peer are a CLIENT span of their own.
    const peer = trace.filter((s) => s.name.startsWith('peer '));
    expect(peer.length).toBeGreaterThanOrEqual(1);
    for (const p of peer) expect({ kind: p.kind, parentIsActivity: ran.some((r) => r.spanId === p.parentSpanId) }).toEqual({ kind: 3, parentIsActivity: true });
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['warden-trace-test']));
    // Shut down, tracing leaves nothing registered behind it.
    await tracing.shutdown();
    expect(otelTrace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });
});
