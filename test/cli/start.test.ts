import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { portOpen } from '../../temporal/dev-server.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { SUITE_ENV } from '../helpers/suite-env.js';

const cli = process.env[SUITE_ENV.temporalCli];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs of processes whose command line mentions `needle` (the dev server holds our db path). */
function pidsMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('warden start on the embedded default', () => {
  it.skipIf(!cli)('runs Temporal, worker and server; healthz turns 200; smoke completes and shows in the Web UI; SIGTERM stops all three', async () => {
    assertBuilt();
    const stateDir = mkdtempSync(join(tmpdir(), 'warden-start-'));
    const [httpPort, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
    const env = cleanEnv({
      TEMPORAL_CLI_PATH: cli!,
      WARDEN_STATE_DIR: stateDir,
      WARDEN_HTTP_PORT: String(httpPort),
      WARDEN_TEMPORAL_PORT: String(temporalPort),
      WARDEN_TEMPORAL_UI_PORT: String(uiPort),
    });

    const started = Date.now();
    const warden = spawnCli(['start'], env);
    try {
      await expect.poll(async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`).catch(() => undefined))?.status, { timeout: 120_000, interval: 250 }).toBe(200);
      const secondsToHealthy = (Date.now() - started) / 1000;
      expect(secondsToHealthy).toBeLessThan(120);

      const keyFile = join(stateDir, 'keys.json');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      // Every file Warden and its Temporal server created is its user's alone: 0600, directories 0700.
      const modes = readdirSync(stateDir, { recursive: true, encoding: 'utf8' }).map((f) => {
        const st = statSync(join(stateDir, f));
        return [f, (st.mode & 0o777).toString(8), st.isDirectory()] as const;
      });
      expect(modes.map(([f]) => f)).toEqual(expect.arrayContaining(['temporal.db', 'keys.json']));
      expect(modes.filter(([, mode, dir]) => mode !== (dir ? '700' : '600'))).toEqual([]);
      expect((statSync(stateDir).mode & 0o777).toString(8)).toBe('700');
      expect(warden.output().stderr).toContain('generated an encryption key');
      const { keys } = JSON.parse(readFileSync(keyFile, 'utf8')) as { keys: { key: string }[] };
      expect(warden.output().stderr).not.toContain(keys[0]!.key);

      const smoke = await spawnCli(['smoke'], env).done;
      expect(smoke.code).toBe(0);
      const json = JSON.parse(smoke.stdout.slice(0, smoke.stdout.indexOf('\nWeb UI:'))) as { workflowId: string; runId: string; result: unknown };
      expect(json.result).toMatchObject({ message: 'warden smoke check', sleptMs: 100 });
      const link = smoke.stdout.match(/Web UI: (\S+)/)?.[1];
      expect(link).toBe(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${json.workflowId}/${json.runId}/history`);

      // The Web UI serves the run (through its own API) and is configured with our codec endpoint.
      const ui = await fetch(`http://127.0.0.1:${uiPort}/api/v1/namespaces/default/workflows/${encodeURIComponent(json.workflowId)}`);
      expect(ui.status).toBe(200);
      expect(JSON.stringify(await ui.json())).toContain('WORKFLOW_EXECUTION_STATUS_COMPLETED');
      const settings = (await (await fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`)).json()) as { Codec: { Endpoint: string } };
      expect(settings.Codec.Endpoint).toBe(`http://127.0.0.1:${httpPort}/codec`);
    } finally {
      const devServerPids = pidsMentioning(stateDir);
      expect(devServerPids.length).toBeGreaterThan(0);
      warden.kill('SIGTERM');
      const exit = await warden.done;
      expect(exit.code).toBe(0);
      expect(exit.stderr).toContain('stopping: signal SIGTERM');
      for (const pid of devServerPids) expect(alive(pid)).toBe(false);
      expect(await portOpen('127.0.0.1', temporalPort)).toBe(false);
      expect(await portOpen('127.0.0.1', httpPort)).toBe(false);
    }
  });

  it('refuses to start on a port another server already holds, and says what to do', async () => {
    assertBuilt();
    const suiteAddress = process.env[SUITE_ENV.address]!;
    const port = suiteAddress.split(':').pop()!;
    const run = await spawnCli(
      ['start'],
      cleanEnv({ TEMPORAL_CLI_PATH: cli ?? '/bin/false', WARDEN_STATE_DIR: mkdtempSync(join(tmpdir(), 'warden-busy-')), WARDEN_TEMPORAL_PORT: port, WARDEN_HTTP_PORT: String(await freePort()) }),
    ).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`port 127.0.0.1:${port} is already in use`);
    expect(run.stderr).toContain(`TEMPORAL_ADDRESS=127.0.0.1:${port}`);
  });

  it('reports a bad setting by name and exits non-zero without a stack trace', async () => {
    assertBuilt();
    const run = await spawnCli(['start'], cleanEnv({ WARDEN_HTTP_PORT: 'eighty' })).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/invalid configuration:\n\s+- WARDEN_HTTP_PORT/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
