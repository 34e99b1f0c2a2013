import { trace } from '@opentelemetry/api';
import { Client, Connection } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { wardenDataConverter } from '../../codec/data-converter.js';
import { ConfigError } from '../../config/errors.js';
import { startTracing, tracingSettings } from '../../temporal/tracing.js';
import { postAlert, startIntake } from '../helpers/intake.js';
import { suiteValue } from '../helpers/suite-env.js';
import { suiteKeyring, withWorker } from '../harness.js';
import { startOtlpReceiver } from './otlp-receiver.js';

const withoutOtel = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));

describe('traces are off by default', () => {
  it('on only with an OTLP endpoint; OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none turn them off; an unsupported value names its variable', () => {
    expect(tracingSettings(withoutOtel())).toBeUndefined();
    const endpoint = 'http://127.0.0.1:4318';
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toEqual({ url: `${endpoint}/v1/traces`, serviceName: 'warden' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'w1' })).toEqual({
      url: 'http://c:4318/custom',
      serviceName: 'w1',
    });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
    const refused = (env: NodeJS.ProcessEnv) => {
      try {
        tracingSettings(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems.join('\n');
      }
      return 'accepted';
    };
    expect(refused({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toMatch(/^OTEL_TRACES_EXPORTER: "zipkin"/);
    expect(refused({ OTEL_TRACES_EXPORTER: 'otlp' })).toMatch(/^OTEL_TRACES_EXPORTER=otlp: set OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(refused({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toMatch(/^OTEL_EXPORTER_OTLP_PROTOCOL: grpc/);
    expect(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: "not a url/);
  });

  it('switched off, an alert through server, workflow and activities exports nothing and records no span', async () => {
    const receiver = await startOtlpReceiver();
    // An endpoint a misconfiguration could reach, and tracing turned off beside it: nothing may arrive.
    expect(startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
    expect(startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(startTracing(withoutOtel())).toBeUndefined();
    const client = new Client({ connection: await Connection.connect({ address: suiteValue('address') }), namespace: suiteValue('namespace'), dataConverter: wardenDataConverter(suiteKeyring()) });
    const intake = await startIntake(client);
    try {
      await withWorker({ providers: {} }, { taskQueue: intake.taskQueue }, async (w) => {
        const res = await postAlert(intake.url, { type: 'credential.leaked', severity: 'high', title: 'no otel', source: 'test', fingerprint: `no-otel-${Date.now()}`, principal: { aws_user: 'u' } });
        expect(res.status).toBe(202);
        const { workflowId } = (await res.json()) as { workflowId: string };
        // The incident ran its activities (its history holds completed ones) while tracing was off.
        await expect
          .poll(
            async () => {
              const history = await w.client.workflow.getHandle(workflowId).fetchHistory();
              return (history.events ?? []).some((e) => e.activityTaskCompletedEventAttributes);
            },
            { timeout: 30_000 },
          )
          .toBe(true);
      });
      // No tracer provider was registered: a span started through the global API records nothing.
      expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
      await new Promise((r) => setTimeout(r, 1_500)); // longer than the batch exporter's delay
      expect(receiver.requests()).toBe(0);
    } finally {
      intake.close();
      receiver.close();
      await client.connection.close();
    }
  });
});
