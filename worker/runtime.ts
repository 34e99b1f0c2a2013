import { Runtime } from '@temporalio/worker';
import { temporalLogger } from './runtime-logger.js';

/**
 * Installs the worker process's Temporal runtime once, before its first connection: Temporal's
 * own log lines through Warden's log at `level` (worker/runtime-logger.ts) and, with a metrics
 * address, Prometheus text at http://ADDRESS/metrics: the SDK's own worker metrics (task slots,
 * polls, latencies) and Warden's step metrics (activities/action-metrics.ts).
 */
export function installWorkerRuntime(o: { readonly level: 'debug' | 'info' | 'warn'; readonly log: (line: string) => void; readonly metricsAddress?: string | undefined }): void {
  Runtime.install({
    logger: temporalLogger(o.level, o.log),
    ...(o.metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: o.metricsAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } } } } : {}),
  });
}
