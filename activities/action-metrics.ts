import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Context } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';

/**
 * Step outcomes and peer-call latency, emitted through the activity's Temporal metric meter: the
 * worker's Prometheus exporter (WARDEN_WORKER_METRICS_ADDRESS) serves them beside the SDK's own
 * metrics, from whichever worker ran the step. Outside an activity (a unit test calling the
 * function directly) nothing is recorded.
 */
export interface ActionMetrics {
  /** One finished action: how it ended and how long its calls to the peer took, in seconds. */
  record(action: string, outcome: ActionMetricOutcome, seconds: number): void;
}

/** changed (applied and read back), already (the peer was already so), planned, not_configured, refused (policy), error. */
export type ActionMetricOutcome = 'changed' | 'already' | 'planned' | 'not_configured' | 'refused' | 'error';

export function actionMetrics(): ActionMetrics {
  let meter: MetricMeter | undefined;
  try {
    meter = Context.current().metricMeter;
  } catch {
    return { record: () => undefined };
  }
  const outcomes = meter.createCounter('warden_step_outcomes', undefined, 'Catalog actions run by this worker, by action and outcome.');
  const latency = meter.createHistogram('warden_provider_call_duration_seconds', 'float', undefined, 'Seconds an action spent on its peer (read, change, read back), by action, provider and outcome.');
  return {
    record(action, outcome, seconds) {
      const tags = { action, provider: action.split('.')[0] ?? action, outcome };
      outcomes.add(1, tags);
      latency.record(seconds, tags);
    },
  };
}

/**
 * A CLIENT span `peer <action>` around an action's calls to its peer, a child of the activity's
 * span when tracing is on (temporal/tracing.ts); a no-op otherwise. Returns its end.
 */
export function peerSpan(action: string, dryRun: boolean): (outcome: ActionMetricOutcome, err?: Error) => void {
  const span = trace.getTracer('warden').startSpan(`peer ${action}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'warden.action': action, 'warden.provider': action.split('.')[0] ?? action, 'warden.dry_run': dryRun },
  });
  return (outcome, err) => {
    span.setAttribute('warden.outcome', outcome);
    if (outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, ...(err ? { message: err.name } : {}) });
    span.end();
  };
}
