import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;

export interface HealthReport {
  readonly ok: boolean;
  readonly temporal: { readonly reachable: boolean; readonly error?: string };
  readonly worker: { readonly running: boolean; readonly detail: string };
}

export interface HealthProbe {
  check(): Promise<HealthReport>;
}

export interface HealthProbeOptions {
  readonly client: Client;
  readonly taskQueue: string;
  /** In the embedded process: the state of the worker running beside the server. */
  readonly localWorkerState?: () => string;
  readonly timeoutMs?: number;
}

/** A recent poll counts as a live worker when the worker runs in another process. */
const POLLER_FRESH_MS = 90_000;

/**
 * Healthy means Temporal answers and a worker serves the task queue: the local worker's state
 * in the embedded process, otherwise a poller on the task queue seen within the last 90 s.
 */
export function createHealthProbe(o: HealthProbeOptions): HealthProbe {
  const timeoutMs = o.timeoutMs ?? 2_000;
  const service = o.client.connection.workflowService;
  const namespace = o.client.options.namespace;
  const withDeadline = <T>(fn: () => Promise<T>): Promise<T> => o.client.connection.withDeadline(Date.now() + timeoutMs, fn);

  async function workerStatus(): Promise<HealthReport['worker']> {
    if (o.localWorkerState) {
      const state = o.localWorkerState();
      return { running: state === 'RUNNING', detail: `local worker ${state}` };
    }
    const { pollers } = await withDeadline(() =>
      service.describeTaskQueue({
        namespace,
        taskQueue: { name: o.taskQueue },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    const now = Date.now();
    const fresh = (pollers ?? []).filter((p) => {
      const seconds = Number(p.lastAccessTime?.seconds ?? 0);
      return now - seconds * 1000 < POLLER_FRESH_MS;
    });
    return { running: fresh.length > 0, detail: `${fresh.length} worker(s) polling task queue ${o.taskQueue}` };
  }

  return {
    async check() {
      try {
        await withDeadline(() => service.getSystemInfo({}));
      } catch (err) {
        return {
          ok: false,
          temporal: { reachable: false, error: (err as Error).message.split('\n')[0] ?? 'unreachable' },
          worker: { running: false, detail: 'unknown while Temporal is unreachable' },
        };
      }
      const worker = await workerStatus().catch((err: Error) => ({ running: false, detail: `cannot describe task queue: ${err.message}` }));
      return { ok: worker.running, temporal: { reachable: true }, worker };
    },
  };
}
