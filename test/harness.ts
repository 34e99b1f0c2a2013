import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { WardenActivities, WardenDeps } from '../activities/index.js';
import { wardenDataConverter } from '../codec/data-converter.js';
import { parseKeysVariable, type Keyring } from '../codec/keyring.js';
import { SEARCH_ATTRIBUTES } from '../contracts/search-attributes.js';
import { wardenCacheDir } from '../temporal/cli-binary.js';
import { wardenWorkerOptions, type WardenWorkerOptions } from '../worker/worker.js';
import { suiteValue } from './helpers/suite-env.js';

/**
 * The one way tests run a worker: the real Warden worker (worker/worker.ts, real activities from
 * one deps object) with the workflow bundle built once by the global setup, on the suite's dev
 * server or on a time-skipping environment, each on a task queue of its own.
 */

/** The suite's keyring (one throwaway key per run). */
export function suiteKeyring(): Keyring {
  return parseKeysVariable(suiteValue('keys'));
}

/** A client on the suite's dev server, with the Warden data converter unless told otherwise. */
export async function suiteClient(opts: { keyring?: Keyring; raw?: boolean; maxReceiveBytes?: number } = {}): Promise<Client> {
  const channelArgs = opts.maxReceiveBytes ? { 'grpc.max_receive_message_length': opts.maxReceiveBytes } : undefined;
  const connection = await Connection.connect({ address: suiteValue('address'), ...(channelArgs ? { channelArgs } : {}) });
  return new Client({
    connection,
    namespace: suiteValue('namespace'),
    ...(opts.raw ? {} : { dataConverter: wardenDataConverter(opts.keyring ?? suiteKeyring()) }),
  });
}

/** A task queue of a test's own, so tests never steal each other's tasks. */
export function uniqueTaskQueue(name: string): string {
  return `test-${name}-${randomUUID().slice(0, 8)}`;
}

/** Worker logs at WARN, once per test process (a test may have installed its own runtime first). */
export function quietWorkerLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  } catch {
    /* already installed */
  }
}

/** The provisioned time-skipping test server (scripts/provision.sh time-skipping), if present. */
export function timeSkippingServerPath(): string | undefined {
  const path = join(wardenCacheDir(), 'bin', 'temporal-test-server');
  return existsSync(path) ? path : undefined;
}

/**
 * Temporal's time-skipping test server, for timers of hours and days: while a test waits on a
 * workflow result, the server jumps time to the next timer. It has no visibility and no
 * Schedules: tests of listing and Schedules use the dev server. Pass it to startWorker as `env`.
 */
export async function createTimeSkippingEnv(dataConverter: DataConverter = wardenDataConverter(suiteKeyring())): Promise<TestWorkflowEnvironment> {
  quietWorkerLogs(); // before the environment instantiates the runtime
  const path = timeSkippingServerPath();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    ...(path ? { server: { executable: { type: 'existing-path', path } } } : {}),
    // env.client skips time while a test waits on a result; it needs the codec to read results.
    client: { dataConverter },
  });
  // The incident workflows upsert Warden's search attributes, which must exist on any server.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.keys(SEARCH_ATTRIBUTES).map((name) => [name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return env;
}

export interface StartWorkerOptions {
  /** Names the fresh task queue (`test-<name>-<random>`). */
  readonly name?: string;
  /** A task queue chosen beforehand (a server's routes, or a second worker, already name it); default a fresh one. */
  readonly taskQueue?: string;
  /** A time-skipping environment (createTimeSkippingEnv): worker and client use it instead of the suite's dev server. */
  readonly env?: TestWorkflowEnvironment;
  /** Another dev server than the suite's (one the test kills and restarts). */
  readonly address?: string;
  /** Default: the suite's keyring. Ignored for the client of `env`, which has its own converter. */
  readonly keyring?: Keyring;
  /** Stand-ins for some of the real activities, given the real ones (a failing activity, say). */
  readonly activities?: (real: WardenActivities) => object;
  /** Another workflow bundle than the suite's (one built with tracing's workflow interceptors). */
  readonly workflowBundlePath?: string;
  /** Tracing's worker interceptors and sink (temporal/tracing.ts). */
  readonly tracing?: WardenWorkerOptions['tracing'];
}

export interface TestWorker {
  /** A client on the worker's server, with the worker's data converter. */
  readonly client: Client;
  readonly taskQueue: string;
  readonly worker: Worker;
  /** Runs `fn` while the worker polls, then shuts it down; a worker that fails first fails the run. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Stops the worker and closes what startWorker opened (for workers started in beforeAll). */
  shutdown(): Promise<void>;
}

const NO_PROVIDERS: WardenDeps = { providers: {} };

/** Starts the Warden worker built from `deps`, polling until run(fn) ends or shutdown(). */
export async function startWorker(deps: WardenDeps = NO_PROVIDERS, opts: StartWorkerOptions = {}): Promise<TestWorker> {
  quietWorkerLogs();
  const taskQueue = opts.taskQueue ?? uniqueTaskQueue(opts.name ?? 'worker');
  const dataConverter = wardenDataConverter(opts.keyring ?? suiteKeyring());
  const env = opts.env;
  const address = opts.address ?? suiteValue('address');
  const namespace = env ? (env.namespace ?? 'default') : suiteValue('namespace');
  const connection = env ? env.nativeConnection : await NativeConnection.connect({ address });
  const client = env ? env.client : new Client({ connection: Connection.lazy({ address }), namespace, dataConverter });
  let closed = !!env; // the environment's connections are the test's to close
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all([connection.close(), client.connection.close()]);
  };
  let worker: Worker;
  try {
    const workflowBundle = { codePath: opts.workflowBundlePath ?? suiteValue('bundle') };
    const options = wardenWorkerOptions({ connection, namespace, taskQueue, dataConverter, workflowBundle, deps, ...(opts.tracing ? { tracing: opts.tracing } : {}) });
    const real = options.activities as WardenActivities;
    worker = await Worker.create(opts.activities ? { ...options, activities: { ...real, ...opts.activities(real) } } : options);
  } catch (err) {
    await close();
    throw err;
  }
  const running = worker.run();
  const stoppedEarly = running.then(() => {
    throw new Error(`the worker on ${taskQueue} stopped before the test finished`);
  });
  stoppedEarly.catch(() => undefined);
  const shutdown = async (): Promise<void> => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    try {
      await running;
    } finally {
      await close();
    }
  };
  return {
    client,
    taskQueue,
    worker,
    shutdown,
    async run<T>(fn: () => Promise<T>): Promise<T> {
      let result: T;
      try {
        result = await Promise.race([fn(), stoppedEarly]);
      } catch (err) {
        await shutdown().catch(() => undefined);
        throw err;
      }
      await shutdown();
      return result;
    },
  };
}

/** startWorker, then run(fn) with the started worker: the common case. */
export async function withWorker<T>(deps: WardenDeps, opts: StartWorkerOptions, fn: (w: TestWorker) => Promise<T>): Promise<T> {
  const w = await startWorker(deps, opts);
  return w.run(() => fn(w));
}
