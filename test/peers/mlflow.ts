import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wardenCacheDir } from '../../temporal/cli-binary.js';
import { freePort } from '../helpers/ports.js';

/** Basic-auth credentials of the auth app's admin. */
export interface MlflowCredentials {
  readonly username: string;
  readonly password: string;
}

/** A real MLflow tracking server on loopback, with its own SQLite store in a temp dir. */
export interface MlflowPeer {
  readonly trackingUri: string;
  readonly port: number;
  /** With the auth app on: its admin (created at the first start). */
  readonly admin?: MlflowCredentials;
  /** Stops the server (every worker process); the store stays. Safe to call twice. */
  stop(): Promise<void>;
  /** Starts it again on the same port and SQLite file: state survives. */
  restart(): Promise<void>;
  /** Stops it for good and deletes the store. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/** The provisioned binary (scripts/provision.sh mlflow), or MLFLOW_BIN. */
function mlflowBinary(): string {
  const path = process.env.MLFLOW_BIN ?? join(wardenCacheDir(), 'bin', 'mlflow');
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    throw new Error(`no MLflow server at ${path}: run \`bash scripts/provision.sh mlflow\` (or set MLFLOW_BIN)`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * The auth app's configuration (read by mlflow.server.auth.config): users and grants in their
 * own SQLite file, the admin created with a random password at the first start, and READ for
 * resources a user has no grant on (MLflow's default). The credential cache is on: without it
 * every request re-hashes the password (PBKDF2), seconds per call on a loaded 2-core machine.
 */
function writeAuthConfig(dir: string): { path: string; admin: MlflowCredentials } {
  const admin = { username: 'admin', password: `pw-${randomBytes(12).toString('hex')}` };
  const path = join(dir, 'basic_auth.ini');
  const ini = [
    '[mlflow]',
    'default_permission = READ',
    `database_uri = sqlite:///${join(dir, 'basic_auth.db')}`,
    `admin_username = ${admin.username}`,
    `admin_password = ${admin.password}`,
    'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
    'auth_cache_ttl_seconds = 600',
    '',
  ];
  writeFileSync(path, ini.join('\n'), { mode: 0o600 });
  return { path, admin };
}

/**
 * Spawns `mlflow server` (uvicorn, one worker) in its own process group, so that stop() can
 * signal the whole group, and resolves once GET /health answers. The first start creates the
 * database and takes several seconds. The Host-header check (MLflow 3.5+) is pinned to
 * 127.0.0.1:<port>, so requests to any other name are refused with 403. With `auth`, the
 * server runs MLflow's auth app (`--app-name basic-auth`): every call but /health then needs
 * basic auth, the admin's credentials are in `admin`.
 */
export async function startMlflow(opts: { auth?: boolean; env?: Readonly<Record<string, string>> } = {}): Promise<MlflowPeer> {
  const bin = mlflowBinary();
  const dir = mkdtempSync(join(tmpdir(), 'warden-mlflow-'));
  const port = await freePort();
  const trackingUri = `http://127.0.0.1:${port}`;
  const logPath = join(dir, 'server.log');
  const auth = opts.auth ? writeAuthConfig(dir) : undefined;
  const authEnv = auth ? { MLFLOW_AUTH_CONFIG_PATH: auth.path, MLFLOW_FLASK_SERVER_SECRET_KEY: randomBytes(16).toString('hex') } : {};
  const args = [
    'server',
    ...(auth ? ['--app-name', 'basic-auth'] : []),
    '--backend-store-uri',
    `sqlite:///${join(dir, 'mlflow.db')}`,
    '--default-artifact-root',
    join(dir, 'art'),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--workers',
    '1',
    '--allowed-hosts',
    `127.0.0.1:${port}`,
  ];
  let child: ChildProcess | undefined;
  const killGroup = (signal: NodeJS.Signals) => {
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);

  const start = async () => {
    const log = openSync(logPath, 'a');
    child = spawn(bin, args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true', ...authEnv, ...opts.env },
    });
    closeSync(log);
    const started = child;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) break;
      if (await healthy(trackingUri)) return;
      await sleep(250);
    }
    killGroup('SIGKILL');
    const tail = readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n');
    throw new Error(`mlflow server did not answer on ${trackingUri} within ${START_TIMEOUT_MS / 1000} s:\n${tail}`);
  };

  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((r) => running.once('exit', () => r()));
    killGroup('SIGTERM');
    const forced = setTimeout(() => killGroup('SIGKILL'), 10_000);
    await exited;
    clearTimeout(forced);
    // The uvicorn worker may outlive the parent for a moment: wait until the port is free.
    for (let i = 0; i < 40 && (await healthy(trackingUri)); i++) await sleep(250);
    if (running.pid === undefined) return;
    try {
      process.kill(-running.pid, 'SIGKILL');
    } catch {
      /* the group is gone */
    }
  };

  await start();
  return {
    trackingUri,
    port,
    ...(auth ? { admin: auth.admin } : {}),
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      process.removeListener('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One REST call to the peer, for seeding and for asserting effects (the adapter is not used). */
export async function mlflowRest<T = Record<string, unknown>>(
  trackingUri: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  params: Record<string, unknown>,
  opts: { auth?: MlflowCredentials; version?: '2.0' | '3.0' } = {},
): Promise<T> {
  const base = `${trackingUri}/api/${opts.version ?? '2.0'}/mlflow/${path}`;
  const authorization: Record<string, string> = opts.auth ? { authorization: `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}` } : {};
  const response =
    method === 'GET'
      ? await fetch(`${base}?${new URLSearchParams(params as Record<string, string>).toString()}`, { headers: authorization })
      : await fetch(base, { method, headers: { 'content-type': 'application/json', ...authorization }, body: JSON.stringify(params) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Registers `name` with versions 1..n (sources s3://warden-test-models/<name>/<i>), tags the
 * `validated` ones validated=true, and points alias `champion` at version `champion`.
 */
export async function seedModel(trackingUri: string, name: string, opts: { versions: number; champion: number; validated?: readonly number[] }): Promise<void> {
  await mlflowRest(trackingUri, 'POST', 'registered-models/create', { name });
  for (let i = 1; i <= opts.versions; i++) {
    const tags = opts.validated?.includes(i) ? [{ key: 'validated', value: 'true' }] : [];
    await mlflowRest(trackingUri, 'POST', 'model-versions/create', { name, source: `s3://warden-test-models/${name}/${i}`, tags });
  }
  await mlflowRest(trackingUri, 'POST', 'registered-models/alias', { name, alias: 'champion', version: String(opts.champion) });
}

/** The version an alias resolves to, read straight from the server. */
export async function aliasTarget(trackingUri: string, name: string, alias: string): Promise<string> {
  const got = await mlflowRest<{ model_version: { version: string } }>(trackingUri, 'GET', 'registered-models/alias', { name, alias });
  return got.model_version.version;
}

/** A version's tags, read straight from the server. */
export async function versionTags(trackingUri: string, name: string, version: string): Promise<Record<string, string>> {
  const got = await mlflowRest<{ model_version: { tags?: { key: string; value: string }[] } }>(trackingUri, 'GET', 'model-versions/get', { name, version });
  return Object.fromEntries((got.model_version.tags ?? []).map((t) => [t.key, t.value]));
}
