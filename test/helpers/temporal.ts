import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { wardenDataConverter } from '../../codec/data-converter.js';
import { parseKeysVariable, type Keyring } from '../../codec/keyring.js';
import type { ActionDeps } from '../../catalog/types.js';
import { createWardenWorker } from '../../worker/worker.js';
import { suiteValue } from './suite-env.js';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  } catch {
    /* already installed by another helper in this process */
  }
}

/** The suite's keyring (one throwaway key per run). */
export function suiteKeyring(): Keyring {
  return parseKeysVariable(suiteValue('keys'));
}

/** A client on the suite's dev server, with the Warden data converter unless told otherwise. */
export async function suiteClient(opts: { keyring?: Keyring; raw?: boolean } = {}): Promise<Client> {
  const connection = await Connection.connect({ address: suiteValue('address') });
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

/**
 * Runs the real Warden worker (prebuilt bundle, real activities) on its own task queue while
 * `fn` runs, then shuts it down.
 */
export async function withWorker<T>(
  opts: { taskQueue: string; keyring?: Keyring; address?: string; deps?: ActionDeps },
  fn: (worker: Worker) => Promise<T>,
): Promise<T> {
  quietRuntime();
  const connection = await NativeConnection.connect({ address: opts.address ?? suiteValue('address') });
  try {
    const worker = await createWardenWorker({
      connection,
      namespace: suiteValue('namespace'),
      taskQueue: opts.taskQueue,
      dataConverter: wardenDataConverter(opts.keyring ?? suiteKeyring()),
      workflowBundle: { codePath: suiteValue('bundle') },
      ...(opts.deps ? { deps: opts.deps } : {}),
    });
    return await worker.runUntil(fn(worker));
  } finally {
    await connection.close();
  }
}
