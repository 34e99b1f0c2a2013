import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wardenCacheDir } from '../../temporal/cli-binary.js';
import { freePort } from '../helpers/ports.js';

/**
 * A real Prometheus Alertmanager on loopback (scripts/provision.sh alertmanager), whose only
 * receiver is a webhook to Warden's Alertmanager intake with a bearer token, send_resolved on,
 * and intervals of seconds, so a pushed alert fires, is re-notified and resolves within seconds.
 */
export interface AlertmanagerPeer {
  readonly url: string;
  /** Pushes alerts through Alertmanager's API (POST /api/v2/alerts), as Prometheus does. */
  push(alerts: readonly PushedAlert[]): Promise<void>;
  /** The alerts Alertmanager holds (GET /api/v2/alerts), with their fingerprints. */
  alerts(): Promise<{ fingerprint: string; labels: Record<string, string>; status: { state: string } }[]>;
  stop(): Promise<void>;
}

export interface PushedAlert {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly startsAt?: string;
  readonly endsAt?: string;
}

/** `$(wardenCacheDir)/bin/alertmanager`, or undefined (the test then says how to provision it). */
export function alertmanagerBinary(): string | undefined {
  const path = process.env.ALERTMANAGER_PATH ?? join(wardenCacheDir(), 'bin', 'alertmanager');
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

export const ALERTMANAGER_MISSING = 'no Alertmanager binary: run scripts/provision.sh alertmanager (a Go build of v0.28.1, or apt-get install -y prometheus-alertmanager)';

export async function startAlertmanager(opts: { webhookUrl: string; bearer: string; repeatInterval?: string }): Promise<AlertmanagerPeer> {
  const bin = alertmanagerBinary();
  if (!bin) throw new Error(ALERTMANAGER_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'warden-am-'));
  const config = [
    'route:',
    '  receiver: warden',
    "  group_by: ['alertname']",
    '  group_wait: 1s',
    '  group_interval: 1s',
    `  repeat_interval: ${opts.repeatInterval ?? '2s'}`,
    'receivers:',
    '  - name: warden',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(opts.webhookUrl)}`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    `            credentials: ${JSON.stringify(opts.bearer)}`,
  ].join('\n');
  writeFileSync(join(dir, 'alertmanager.yml'), config, { mode: 0o600 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited: ${log}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`alertmanager did not get ready: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async push(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    async alerts() {
      return (await (await fetch(`${url}/api/v2/alerts`)).json()) as { fingerprint: string; labels: Record<string, string>; status: { state: string } }[];
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
