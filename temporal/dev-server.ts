import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';

export interface DevServerOptions {
  readonly binary: string;
  readonly ip: string;
  readonly port: number;
  readonly uiPort: number;
  /** SQLite file; the same file across restarts keeps every workflow. */
  readonly dbFile: string;
  readonly namespace: string;
  /** Remote codec endpoint the Web UI calls to decode payloads. */
  readonly codecEndpoint?: string;
  readonly searchAttributes?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

export interface DevServer {
  readonly pid: number;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** True when something accepts TCP connections on ip:port. */
export function portOpen(ip: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: ip, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export class DevServerError extends Error {
  override name = 'DevServerError';
}

/**
 * Starts `temporal server start-dev` as a child process and resolves once its frontend port
 * accepts connections. The caller owns the process and must `stop()` it.
 */
export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  if (await portOpen(o.ip, o.port)) {
    throw new DevServerError(
      `port ${o.ip}:${o.port} is already in use; another Temporal server is running there. ` +
        `Stop it, or set TEMPORAL_ADDRESS=${o.ip}:${o.port} to use it, or WARDEN_TEMPORAL_PORT to pick another port.`,
    );
  }
  mkdirSync(dirname(o.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    o.ip,
    '--port',
    String(o.port),
    '--ui-port',
    String(o.uiPort),
    '--db-filename',
    o.dbFile,
    '--namespace',
    o.namespace,
    '--log-format',
    'json',
    '--log-level',
    'warn',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    ...(o.codecEndpoint ? ['--ui-codec-endpoint', o.codecEndpoint] : []),
    ...Object.entries(o.searchAttributes ?? {}).flatMap(([k, v]) => ['--search-attribute', `${k}=${v}`]),
  ];
  const child: ChildProcess = spawn(o.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
  while (!(await portOpen(o.ip, o.port))) {
    if (hasExited) throw new DevServerError(`temporal server start-dev exited early:\n${stderrTail}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new DevServerError(`temporal server start-dev did not open ${o.ip}:${o.port} in time:\n${stderrTail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    pid: child.pid ?? -1,
    exited,
    async stop() {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
