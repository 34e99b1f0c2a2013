import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI, exactly what `npm start` and the `warden` bin run. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run npm run build (npm test does)`);
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns `warden ARGS` with an environment of the test's own (no inherited Temporal target). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, opts: { cwd?: string } = {}): ChildProcess & { output: () => CliRun; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((res) => child.once('close', (code) => res({ code, stdout, stderr })));
  return Object.assign(child, { output: () => ({ code: child.exitCode, stdout, stderr }), done });
}

/** A Node script in a process of its own (a worker child of a kill test): its stdout so far, and the signal it died of. */
export function spawnNode(script: string, env: NodeJS.ProcessEnv): ChildProcess & { output: () => string; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return Object.assign(child, { output: () => out, exited });
}

/** The environment minus anything that would point Warden at another Temporal or key. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_') && !k.startsWith('WARDEN_')));
  return { ...env, ...extra };
}
