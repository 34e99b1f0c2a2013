import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type WardenDeps } from '../activities/index.js';
import { TASK_QUEUE } from '../contracts/task-queue.js';

/** workflows/index — the .ts source under the test runner, the compiled .js under dist/. */
export function workflowsPath(): string {
  for (const ext of ['.js', '.ts']) {
    const path = fileURLToPath(new URL(`../workflows/index${ext}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('workflows/index not found next to worker/');
}

export interface WardenWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly dataConverter: DataConverter;
  readonly taskQueue?: string;
  /** A prebuilt bundle (tests bundle once); otherwise the worker bundles workflowsPath(). */
  readonly workflowBundle?: WorkerOptions['workflowBundle'];
  readonly identity?: string;
  /** What every activity is built from: the providers, the directory, reviews' settings and store. */
  readonly deps: WardenDeps;
  /** Tracing's interceptors and sink (temporal/tracing.ts `workerOptions()`), when OTEL_* turns it on. */
  readonly tracing?: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
}

/** The options of the Warden worker: every workflow and activity, on the `warden` task queue by default. */
export function wardenWorkerOptions(o: WardenWorkerOptions): WorkerOptions {
  return {
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue ?? TASK_QUEUE,
    dataConverter: o.dataConverter,
    activities: createActivities(o.deps),
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: workflowsPath() }),
    ...(o.identity ? { identity: o.identity } : {}),
    ...o.tracing,
  };
}

/** Creates the Warden worker (see wardenWorkerOptions). */
export function createWardenWorker(o: WardenWorkerOptions): Promise<Worker> {
  return Worker.create(wardenWorkerOptions(o));
}
