/**
 * OpenTelemetry traces, off unless the standard OTEL_* variables turn them on: spans of the HTTP
 * server, the Temporal client (start, signal, Update), workflows and activities
 * (@temporalio/interceptors-opentelemetry), exported as OTLP/HTTP (JSON) to
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces.
 */
import { createRequire } from 'node:module';
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import { ConfigError } from '../config/errors.js';

export interface TracingSettings {
  readonly url: string;
  readonly serviceName: string;
}

const truthy = (v: string | undefined): boolean => /^(true|1|yes)$/i.test(v?.trim() ?? '');

/**
 * Whether traces are on, and where they go. Off when OTEL_SDK_DISABLED is true or
 * OTEL_TRACES_EXPORTER is `none`; otherwise on when an OTLP endpoint is set (OTEL_TRACES_EXPORTER
 * unset or `otlp`). Any other exporter or the grpc protocol is refused with what to set instead.
 */
export function tracingSettings(env: NodeJS.ProcessEnv = process.env): TracingSettings | undefined {
  if (truthy(env.OTEL_SDK_DISABLED)) return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return undefined;
  if (exporter && exporter !== 'otlp') throw new ConfigError([`OTEL_TRACES_EXPORTER: "${exporter}" is not supported; use otlp (or none to turn traces off)`]);
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (protocol === 'grpc')
    throw new ConfigError(["OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported; Warden exports OTLP over HTTP (http/json): point the endpoint at the receiver's HTTP port (4318)"]);
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const url = tracesEndpoint || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!url) {
    if (exporter === 'otlp') throw new ConfigError(['OTEL_TRACES_EXPORTER=otlp: set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://127.0.0.1:4318) or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
    return undefined;
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new ConfigError([`OTEL_EXPORTER_OTLP_${tracesEndpoint ? 'TRACES_' : ''}ENDPOINT: "${url}" is not an http(s) URL`]);
  }
  return { url, serviceName: env.OTEL_SERVICE_NAME?.trim() || 'warden' };
}

export interface Tracing {
  readonly settings: TracingSettings;
  readonly tracer: Tracer;
  readonly resource: Resource;
  readonly spanProcessor: SpanProcessor;
  /** The Temporal client's interceptors: start, signal, signalWithStart and Update carry the caller's span. */
  clientInterceptors(): ClientInterceptors;
  /** The worker's: the workflow interceptors module (bundled with the workflows), activity spans, and the sink workflows export spans through. */
  workerOptions(): Pick<WorkerOptions, 'interceptors' | 'sinks'>;
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Exports what is buffered and unregisters the global tracer provider, context manager and propagator. */
  shutdown(): Promise<void>;
}

const require = createRequire(import.meta.url);
/** The module the worker bundles with the workflows (the interceptors run inside the sandbox). */
export const WORKFLOW_TRACING_MODULE = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/**
 * Starts tracing for this process when the environment asks for it (else undefined, and nothing
 * is exported): one tracer provider, registered globally so the active span follows async calls
 * (an HTTP request's span is the parent of the client call it makes).
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  const settings = tracingSettings(env);
  if (!settings) return undefined;
  const resource = Resource.default().merge(new Resource({ 'service.name': settings.serviceName }));
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.url }), { scheduledDelayMillis: 1_000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const tracer = provider.getTracer('warden');
  return {
    settings,
    tracer,
    resource,
    spanProcessor,
    clientInterceptors: () => ({ workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer })] }),
    workerOptions: () => ({
      interceptors: {
        workflowModules: [WORKFLOW_TRACING_MODULE],
        activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
      },
      sinks: { exporter: makeWorkflowExporter(spanProcessor, resource) },
    }),
    flush: () => provider.forceFlush(),
    // Exports what is left, then unregisters the globals register() set: the process traces nothing after.
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
