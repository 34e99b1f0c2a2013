import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signedHeaders } from '../../server/auth/webhook-signature.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { SUITE_ENV } from '../helpers/suite-env.js';
import { startOtlpReceiver } from './otlp-receiver.js';

const temporalCli = process.env[SUITE_ENV.temporalCli];

describe.skipIf(!temporalCli)('warden start with OTEL_* and WARDEN_LOG_FORMAT=json', () => {
  it('logs JSON lines, the alert request with its id, and exports the request, workflow and activity spans in one trace', async () => {
    assertBuilt();
    const receiver = await startOtlpReceiver();
    const dir = mkdtempSync(join(tmpdir(), 'warden-start-otel-'));
    const port = await freePort();
    const env = cleanEnv({
      TEMPORAL_CLI_PATH: temporalCli!,
      WARDEN_STATE_DIR: join(dir, 'state'),
      WARDEN_HTTP_PORT: String(port),
      WARDEN_TEMPORAL_PORT: String(await freePort()),
      WARDEN_TEMPORAL_UI_PORT: String(await freePort()),
      WARDEN_LOG_FORMAT: 'json',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'warden-start-test',
    });
    const warden = spawnCli(['start'], env);
    try {
      await expect
        .poll(
          () => {
            if (warden.output().code !== null) throw new Error(`warden start exited:\n${warden.output().stderr}`);
            return warden.output().stderr;
          },
          { timeout: 150_000, interval: 250 },
        )
        .toContain('ready. Ctrl-C stops it.');
      const body = JSON.stringify({ type: 'credential.leaked', severity: 'high', title: 'otel start', source: 'test', fingerprint: `start-otel-${Date.now()}`, principal: { aws_user: 'u' } });
      const secret = readFileSync(join(dir, 'state', 'webhook-secret'), 'utf8').trim();
      const res = await fetch(`http://127.0.0.1:${port}/v1/alerts?dry_run=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'start-otel-1', ...signedHeaders(secret, { method: 'POST', path: '/v1/alerts?dry_run=true', body }) },
        body,
      });
      expect(res.status).toBe(202);
      const wanted = ['POST /v1/alerts', 'SignalWithStartWorkflow:incidentWorkflow', 'HandleSignal:incident.alert', 'StartActivity:runAction', 'RunActivity:runAction'];
      // Spans leave each process in batches (the workflow's through a sink): wait until the alert's trace holds each kind.
      const inAlertTrace = () => {
        const server = receiver.spans.find((s) => s.name === 'POST /v1/alerts');
        return server ? [...new Set(receiver.spans.filter((s) => s.traceId === server.traceId).map((s) => s.name))].filter((n) => wanted.includes(n)).sort() : [];
      };
      await expect.poll(inAlertTrace, { timeout: 60_000, interval: 500 }).toEqual([...wanted].sort());
      expect(receiver.spans.find((s) => s.name === 'POST /v1/alerts')?.service).toBe('warden-start-test');
      const lines = warden
        .output()
        .stderr.split('\n')
        .filter((l) => l.trim());
      const parsed = lines.map((l) => JSON.parse(l) as { msg: string; requestId?: string; status?: number });
      expect(parsed.find((l) => l.requestId === 'start-otel-1' && l.msg === 'request')).toMatchObject({ status: 202 });
      expect(warden.output().stderr).not.toContain(secret);
    } finally {
      warden.kill('SIGTERM');
      await warden.done;
      receiver.close();
    }
  }, 240_000);
});
