import { Runtime } from '@temporalio/worker';

/**
 * Installs the worker process's Temporal runtime once, before its first connection. With a
 * metrics address, the runtime serves Prometheus text at http://ADDRESS/metrics: the SDK's own
 * worker metrics (task slots, polls, latencies) and Warden's step metrics
 * (activities/action-metrics.ts). Without one, the SDK's defaults stand.
 */
export function installWorkerRuntime(metricsAddress: string | undefined): void {
  if (!metricsAddress) return;
  Runtime.install({
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } },
    },
  });
}
