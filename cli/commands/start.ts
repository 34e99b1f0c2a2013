import { chmodSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Worker } from '@temporalio/worker';
import { createServerAudit } from '../../server/audit.js';
import { setupApi } from '../../server/api.js';
import { auditCodecRotation } from '../../server/codec-rotation.js';
import { createHttpApp, listen } from '../../server/app.js';
import { createHealthProbe } from '../../server/health.js';
import { findTemporalCli } from '../../temporal/cli-binary.js';
import { connectClient, connectWorkerConnection } from '../../temporal/connection.js';
import { startDevServer, type DevServer } from '../../temporal/dev-server.js';
import { startTracing, type Tracing } from '../../temporal/tracing.js';
import { auditStoreOf, buildDeps, buildModelRegistry, evidenceReader } from '../../worker/deps.js';
import { providerReport } from '../../worker/provider-report.js';
import { createWardenWorker } from '../../worker/worker.js';
import { installWorkerRuntime } from '../../worker/runtime.js';
import { SEARCH_ATTRIBUTES } from '../../contracts/search-attributes.js';
import { TASK_QUEUE } from '../../contracts/task-queue.js';
import { commandContext, log, useJsonLogs, type CommandContext } from '../context.js';
import { createJsonLogger } from '../../server/http-log.js';
import type { Logger } from 'pino';

export interface Roles {
  readonly worker: boolean;
  readonly server: boolean;
}

/**
 * Runs Warden. `warden start` runs all of it: on the embedded default a local Temporal dev
 * server too. `warden worker` and `warden server` run one part each, for deployments.
 * SIGINT/SIGTERM stop everything in reverse order, the dev server last.
 */
export async function runWarden(roles: Roles): Promise<number> {
  // Everything Warden and its embedded Temporal server create (the database, keys, tokens,
  // evidence, ledgers) is readable by its own user only: files 0600, directories 0700.
  process.umask(0o077);
  const ctx = commandContext({ createKeyIfMissing: roles.worker && roles.server });
  const jsonLogger = ctx.config.logFormat === 'json' ? createJsonLogger() : undefined;
  if (jsonLogger) useJsonLogs(jsonLogger);
  mkdirSync(ctx.config.stateDir, { recursive: true, mode: 0o700 });
  chmodSync(ctx.config.stateDir, 0o700);
  log(
    ctx.config.filePath
      ? `config: ${ctx.config.filePath} (sha256 ${ctx.config.fileSha256})`
      : `config: none (WARDEN_CONFIG is not set and ./warden.yaml does not exist): no identities, people or other AWS accounts`,
  );
  if (ctx.keyCreated) log(`generated an encryption key into ${ctx.config.encryption.keyFile} (mode 0600); back it up: histories cannot be read without it`);

  const stops: (() => Promise<void>)[] = [];
  // OTEL_* variables (off unless an OTLP endpoint is set): spans of requests, client calls, workflows and activities.
  const tracing = startTracing();
  if (tracing) {
    log(`traces: OTLP/HTTP to ${new URL(tracing.settings.url).origin} as service "${tracing.settings.serviceName}"`);
    stops.push(() => tracing.shutdown());
  }
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch((err: Error) => log(`while stopping: ${err.message}`));
  };

  let devServer: DevServer | undefined;
  const killDevServerOnExit = (): void => {
    if (devServer && devServer.pid > 0) {
      try {
        process.kill(devServer.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };

  try {
    const { config } = ctx;
    if (config.temporal.mode === 'embedded' && roles.worker && roles.server) {
      const cli = findTemporalCli();
      if (!cli) throw new Error('the Temporal CLI is not installed; run: bash scripts/provision.sh (npm start does it for you)');
      log(`starting Temporal… (${cli.route}: ${cli.path}) on ${config.temporal.address}, data in ${config.temporal.dbFile}`);
      devServer = await startDevServer({
        binary: cli.path,
        ip: config.temporal.ip,
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        dbFile: config.temporal.dbFile,
        namespace: config.temporal.namespace,
        codecEndpoint: `http://${config.http.host}:${config.http.port}/codec`,
        searchAttributes: SEARCH_ATTRIBUTES,
      });
      const started = devServer;
      log(`Temporal ready at ${config.temporal.address}`);
      process.once('exit', killDevServerOnExit);
      stops.push(() => started.stop());
    }

    let worker: Worker | undefined;
    let workerRun: Promise<void> | undefined;
    if (roles.worker) {
      installWorkerRuntime({ level: config.logLevel, log, metricsAddress: config.workerMetricsAddress });
      const connection = await connectWorkerConnection(ctx.target);
      stops.push(() => connection.close());
      log('bundling workflows…');
      const deps = buildDeps(config);
      const created = await createWardenWorker({ connection, namespace: ctx.target.namespace, dataConverter: ctx.dataConverter, deps, ...(tracing ? { tracing: tracing.workerOptions() } : {}) });
      worker = created;
      workerRun = created.run();
      stops.push(async () => {
        if (created.getState() === 'RUNNING') created.shutdown();
        await workerRun?.catch(() => undefined);
      });
      log(`worker ready: polling task queue "${TASK_QUEUE}" in namespace "${ctx.target.namespace}" at ${ctx.target.address}`);
      for (const line of await providerReport(config, deps)) log(`provider ${line}`);
      if (config.workerMetricsAddress) log(`worker metrics on http://${config.workerMetricsAddress}/metrics`);
      log(config.audit.store === 'off' ? 'audit trail: off (WARDEN_AUDIT=off)' : `audit trail: ${config.audit.dir} (warden audit verify)`);
      // A worker without a server starts the audit workflow itself, so that workflows' appends find it.
      if (!roles.server && config.audit.store !== 'off') await announceWorker(ctx, config.filePath);
    }

    let server: Server | undefined;
    if (roles.server) {
      server = await startHttp(ctx, worker, tracing, jsonLogger);
      const listening = server;
      stops.push(() => new Promise<void>((r) => listening.close(() => r())));
    }

    if (config.temporal.mode === 'embedded' && devServer) {
      log(`Temporal Web UI: ${config.temporal.uiUrl}`);
    }
    log('ready. Ctrl-C stops it.');

    const stopped = await Promise.race([
      signalled(),
      ...(workerRun
        ? [
            workerRun.then(
              () => 'worker stopped',
              (err: Error) => `worker failed: ${err.message}`,
            ),
          ]
        : []),
      ...(devServer ? [devServer.exited.then((code) => `Temporal dev server exited (${code})`)] : []),
    ]);
    log(`stopping: ${stopped}`);
    await stopAll();
    process.off('exit', killDevServerOnExit);
    return stopped.startsWith('signal') ? 0 : 1;
  } catch (err) {
    await stopAll();
    process.off('exit', killDevServerOnExit);
    throw err;
  }
}

async function announceWorker(ctx: CommandContext, filePath: string | undefined): Promise<void> {
  const client = await connectClient(ctx.target, ctx.dataConverter);
  const audit = createServerAudit(client, TASK_QUEUE, log);
  audit.append({ kind: 'config.loaded', actor: 'warden-worker', subject: filePath ?? 'environment', details: { role: 'worker' } });
  await audit.flush();
  await client.connection.close();
}

async function startHttp(ctx: CommandContext, worker: Worker | undefined, tracing: Tracing | undefined, logger: Logger | undefined): Promise<Server> {
  const client = await connectClient(ctx.target, ctx.dataConverter, tracing?.clientInterceptors());
  const health = createHealthProbe({
    client,
    taskQueue: TASK_QUEUE,
    ...(worker ? { localWorkerState: () => worker.getState() } : {}),
  });
  const modelRegistry = buildModelRegistry(ctx.config);
  const api = setupApi(ctx.config, client, TASK_QUEUE, log, {
    evidence: evidenceReader(ctx.config.providers),
    ...(modelRegistry ? { modelRegistry } : {}),
    ...(ctx.config.audit.store === 'off' ? {} : { audit: auditStoreOf(ctx.config) }),
  });
  for (const notice of api.notices) log(notice);
  // A key rotated since this state dir last started (warden keys rotate, WARDEN_ENCRYPTION_KEYS) is recorded once.
  if (ctx.config.audit.store !== 'off') auditCodecRotation(api.audit, ctx.config.stateDir, ctx.keyring, ctx.config.encryption.keysVariable ? 'WARDEN_ENCRYPTION_KEYS' : 'key file');
  const server = createHttpApp({
    api: api.routes,
    health,
    codec: ctx.codec,
    codecCorsOrigins: ctx.config.codecEndpoint.corsOrigins,
    codecRatePerMinute: ctx.config.codecEndpoint.ratePerMinute,
    codecToken: api.codecToken,
    log,
    ...(tracing ? { tracer: tracing.tracer } : {}),
    ...(logger ? { logger } : {}),
  });
  // SIGHUP re-reads warden.yaml (as `warden config reload` does); the outcome is logged by the API.
  const onHangup = (): void => void api.reload();
  process.on('SIGHUP', onHangup);
  server.once('close', () => {
    process.off('SIGHUP', onHangup);
    void api.stop().finally(() => client.connection.close());
  });
  const port = await listen(server, ctx.config.http.host, ctx.config.http.port);
  log(`server listening on http://${ctx.config.http.host}:${port} (POST /v1/alerts, /v1/incidents, GET /healthz, /openapi.json, POST /codec/decode)`);
  // One use, 15 minutes: the link exchanges the local admin's standing for a console session (HttpOnly cookie).
  const code = api.consoleLoginCode();
  if (code)
    log(
      `console: http://${ctx.config.http.host}:${port}/console/login?code=${code} (one-time login link, valid 15 minutes; later, log in at /console/ with the token in ${ctx.config.stateDir}/admin-token)`,
    );
  return server;
}

function signalled(): Promise<string> {
  return new Promise((resolvePromise) => {
    const on = (sig: NodeJS.Signals) => () => resolvePromise(`signal ${sig}`);
    process.once('SIGINT', on('SIGINT'));
    process.once('SIGTERM', on('SIGTERM'));
  });
}
