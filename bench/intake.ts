/** The real HTTP intake for P2 and P3: the alert routes as `warden start` mounts them (HMAC sender auth, audit appends). */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { AesGcmPayloadCodec } from '../codec/aes-gcm-codec.js';
import { loadPlaybooks } from '../playbook/load.js';
import { createHttpApp, listen } from '../server/app.js';
import { createServerAudit } from '../server/audit.js';
import { signedHeaders } from '../server/auth/webhook-signature.js';
import { createHealthProbe } from '../server/health.js';
import { createRateLimiter } from '../server/intake/rate-limit.js';
import { alertRoutes } from '../server/routes/alerts.js';
import { TASK_QUEUE, type World } from './world.js';

export interface Intake {
  /** POSTs the alert to /v1/alerts (live), signed as a webhook sender signs it; the status and body. */
  post(alert: unknown): Promise<{ status: number; body: { incidentId?: string } }>;
  /** Once every audit append so far is sent: how many failed (logged by server/audit.ts, never thrown at the request). */
  auditAppendsFailed(): Promise<number>;
  close(): Promise<void>;
}

export async function startIntake(world: World): Promise<Intake> {
  const secret = randomBytes(24).toString('hex');
  const other = () => randomBytes(24).toString('hex');
  let failedAppends = 0;
  const log = (m: string) => {
    if (m.startsWith('audit: could not append')) failedAppends++;
    if (failedAppends <= 3) process.stderr.write(`intake: ${m}\n`);
  };
  const { playbooks } = loadPlaybooks(['playbooks']);
  const audit = createServerAudit(world.client, TASK_QUEUE, log);
  const server: Server = createHttpApp({
    health: createHealthProbe({ client: world.client, taskQueue: TASK_QUEUE }),
    codec: new AesGcmPayloadCodec(world.keyring),
    codecCorsOrigins: [],
    codecToken: randomBytes(24).toString('hex'),
    api: alertRoutes({
      ingest: { client: world.client, playbooks, taskQueue: TASK_QUEUE, decisionKey: world.signer.publicKey },
      credentials: { webhook: secret, github: other(), alertmanager: other(), guardduty: other(), mlflow: other() },
      // The intake's own limit is not what is measured: the storm is as fast as the server takes it.
      rateLimiter: createRateLimiter(10_000_000, 10_000_000),
      dryRunDefault: true,
      audit,
    }),
    log: () => undefined,
  });
  const port = await listen(server, '127.0.0.1', 0);
  const path = '/v1/alerts?dry_run=false';
  return {
    async auditAppendsFailed() {
      await audit.flush();
      return failedAppends;
    },
    async post(alert) {
      const body = JSON.stringify(alert);
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(secret, { method: 'POST', path, body }) }, body });
      return { status: res.status, body: (await res.json()) as { incidentId?: string } };
    },
    async close() {
      await audit.flush();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
