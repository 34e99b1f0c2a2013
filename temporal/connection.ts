import { Client, Connection, type ClientInterceptors } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import type { WardenConfig } from '../config/config.js';

export interface Target {
  readonly address: string;
  readonly namespace: string;
  readonly connect: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
}

/**
 * Where Temporal is. Embedded: the local dev server. External: `@temporalio/envconfig`'s
 * standard TEMPORAL_* variables and profiles (address, namespace, API key, TLS), unchanged.
 */
export function temporalTarget(config: WardenConfig, env: NodeJS.ProcessEnv = process.env): Target {
  if (config.temporal.mode === 'embedded') {
    const { address, namespace } = config.temporal;
    return { address, namespace, connect: { address } };
  }
  const loaded = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  const address = loaded.connectionOptions.address ?? '127.0.0.1:7233';
  return { address, namespace: loaded.namespace ?? 'default', connect: loaded.connectionOptions };
}

export async function connectClient(target: Target, dataConverter: DataConverter, interceptors?: ClientInterceptors): Promise<Client> {
  const connection = await Connection.connect(target.connect);
  return new Client({ connection, namespace: target.namespace, dataConverter, ...(interceptors ? { interceptors } : {}) });
}

export function connectWorkerConnection(target: Target): Promise<NativeConnection> {
  return NativeConnection.connect(target.connect);
}
