import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { loadPlaybooks } from '../../playbook/load.js';
import { createHttpApp, listen } from '../../server/app.js';
import { createApiAuth } from '../../server/auth/api-auth.js';
import { signBody } from '../../server/auth/webhook-signature.js';
import { createHealthProbe } from '../../server/health.js';
import { createRateLimiter } from '../../server/intake/rate-limit.js';
import { alertRoutes } from '../../server/routes/alerts.js';
import { incidentRoutes } from '../../server/routes/incidents.js';
import { TEST_SIGNER } from './decisions.js';
import { suiteKeyring, uniqueTaskQueue } from '../harness.js';

export const SECRET = 'intake-secret-0123456789';
export const tokens = { viewer: 'tok-viewer', oncall: 'tok-oncall', oncall2: 'tok-oncall-2', mlops: 'tok-mlops' };
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

export interface IntakeServer {
  readonly url: string;
  readonly taskQueue: string;
  close(): void;
}

/** The real HTTP app with the alert and incident routes, on its own task queue. */
export async function startIntake(client: Client, opts: { perMinute?: number; burst?: number } = {}): Promise<IntakeServer> {
  const taskQueue = uniqueTaskQueue('intake');
  const { playbooks } = loadPlaybooks(['playbooks']);
  const auth = createApiAuth([
    { id: 'vera', roles: ['viewer'], groups: ['security-oncall'], tokens: [{ sha256: sha(tokens.viewer) }] },
    { id: 'olga', roles: ['responder'], groups: ['security-oncall'], tokens: [{ sha256: sha(tokens.oncall) }] },
    { id: 'otto', roles: ['responder'], groups: ['security-oncall'], tokens: [{ sha256: sha(tokens.oncall2) }] },
    { id: 'mo', roles: ['responder'], groups: ['mlops'], tokens: [{ sha256: sha(tokens.mlops) }] },
  ]);
  const server: Server = createHttpApp({
    health: createHealthProbe({ client, taskQueue }),
    codec: new AesGcmPayloadCodec(suiteKeyring()),
    codecCorsOrigins: [],
    api: [
      ...alertRoutes({
        ingest: { client, playbooks, taskQueue, decisionKey: TEST_SIGNER.publicKey },
        webhookSecret: SECRET,
        rateLimiter: createRateLimiter(opts.perMinute ?? 100_000, opts.burst ?? opts.perMinute ?? 100_000),
        dryRunDefault: true,
      }),
      ...incidentRoutes(client, auth, TEST_SIGNER),
    ],
    log: () => undefined,
  });
  const port = await listen(server, '127.0.0.1', 0);
  return { url: `http://127.0.0.1:${port}`, taskQueue, close: () => server.close() };
}

export function postAlert(url: string, alert: unknown, headers: Record<string, string> = {}, query = ''): Promise<Response> {
  const body = JSON.stringify(alert);
  return fetch(`${url}/v1/alerts${query}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-warden-signature': signBody(SECRET, body), ...headers }, body });
}
