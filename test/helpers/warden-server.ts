import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { createLocalAuditStore } from '../../activities/providers/audit-store/local-audit-store.js';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { loadWardenConfig } from '../../config/load.js';
import { STATE_SECRETS, type SecretName } from '../../config/state-secrets.js';
import { setupApi, type ApiSetup } from '../../server/api.js';
import { createHttpApp, listen } from '../../server/app.js';
import { createHealthProbe } from '../../server/health.js';
import { suiteKeyring } from '../harness.js';

export interface WardenServer {
  readonly url: string;
  readonly api: ApiSetup;
  readonly stateDir: string;
  /** A credential as `warden start` resolved it (generated into the state dir unless set in `env`). */
  secret(name: SecretName): string;
  close(): void;
}

/**
 * The HTTP server as `warden start` builds it: config from `env` (a fresh state dir unless given),
 * setupApi, then the HTTP app with the codec, on a free loopback port.
 */
export async function startWardenServer(
  client: Client,
  taskQueue: string,
  env: Record<string, string> = {},
  opts: { codecRatePerMinute?: number; readers?: Parameters<typeof setupApi>[4]; logger?: Logger } = {},
): Promise<WardenServer> {
  const stateDir = env.WARDEN_STATE_DIR ?? join(mkdtempSync(join(tmpdir(), 'warden-server-')), 'state');
  // No audit trail unless the test asks for one (WARDEN_AUDIT=local and a worker with an audit store).
  const load = () => loadWardenConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', WARDEN_AUDIT: 'off', ...env, WARDEN_STATE_DIR: stateDir });
  const config = load();
  const audit = config.audit.store === 'local' ? createLocalAuditStore(config.audit.dir) : undefined;
  const api = setupApi(config, client, taskQueue, () => undefined, { ...opts.readers, ...(audit ? { audit } : {}) }, load);
  const server: Server = createHttpApp({
    api: api.routes,
    health: createHealthProbe({ client, taskQueue }),
    codec: new AesGcmPayloadCodec(suiteKeyring()),
    codecCorsOrigins: config.codecEndpoint.corsOrigins,
    codecToken: api.codecToken,
    ...(opts.codecRatePerMinute ? { codecRatePerMinute: opts.codecRatePerMinute } : {}),
    log: () => undefined,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const url = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
  return { url, api, stateDir, secret: (name) => readFileSync(join(stateDir, STATE_SECRETS[name].file), 'utf8').trim(), close: () => server.close() };
}

/** The workflow ids started on a task queue. */
export async function workflowsOn(client: Client, taskQueue: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) ids.push(wf.workflowId);
  return ids;
}

/** Terminates every workflow still running on a task queue (a test's afterAll). */
export async function terminateAllOn(client: Client, taskQueue: string): Promise<void> {
  for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
    await client.workflow
      .getHandle(wf.workflowId)
      .terminate('test done')
      .catch(() => undefined);
  }
}
