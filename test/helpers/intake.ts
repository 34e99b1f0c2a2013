import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Tracer } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { loadPlaybooks } from '../../playbook/load.js';
import { createHttpApp, listen } from '../../server/app.js';
import { createApiAuth } from '../../server/auth/api-auth.js';
import { signedHeaders } from '../../server/auth/webhook-signature.js';
import { createHealthProbe } from '../../server/health.js';
import { createRateLimiter } from '../../server/intake/rate-limit.js';
import { alertRoutes } from '../../server/routes/alerts.js';
import type { ServerAudit } from '../../server/audit.js';
import { incidentEvidenceRoutes } from '../../server/routes/incident-evidence.js';
import { incidentRoutes } from '../../server/routes/incidents.js';
import { localEvidenceReader } from '../../server/routes/review-access.js';
import { LOCAL_ADMIN_ID } from '../../contracts/incident.js';
import { TEST_SIGNER } from './decisions.js';
import { suiteKeyring, uniqueTaskQueue } from '../harness.js';
import { documentedFetch } from './documented-fetch.js';

export const SECRET = 'intake-secret-0123456789';
/** Each alert sender's own credential, as setupApi resolves them: all different. */
export const CREDENTIALS = {
  webhook: SECRET,
  github: 'github-webhook-secret-42',
  alertmanager: 'alertmanager-token-0123456789',
  guardduty: 'guardduty-token-0123456789',
  mlflow: 'mlflow-webhook-secret-0123456789',
} as const;

/**
 * The headers that authenticate `body` on an alert route the way its real sender does: Warden's
 * v1 HMAC on /v1/alerts (path and query included), X-Hub-Signature-256 with a delivery id for
 * GitHub, the route's own bearer for Alertmanager and GuardDuty.
 */
export function senderHeaders(pathAndQuery: string, body: string): Record<string, string> {
  const path = pathAndQuery.split('?')[0]!;
  if (path === '/v1/alerts/alertmanager') return { authorization: `Bearer ${CREDENTIALS.alertmanager}` };
  if (path === '/v1/alerts/guardduty') return { authorization: `Bearer ${CREDENTIALS.guardduty}` };
  if (path === '/v1/alerts/github-secret-scanning') {
    return { 'x-hub-signature-256': `sha256=${createHmac('sha256', CREDENTIALS.github).update(body).digest('hex')}`, 'x-github-delivery': randomUUID() };
  }
  return signedHeaders(SECRET, { method: 'POST', path: pathAndQuery, body });
}
/** bea is in two groups (on call and MLOps); admin is the embedded default's shared local-admin token, in every group. */
export const tokens = { viewer: 'tok-viewer', oncall: 'tok-oncall', oncall2: 'tok-oncall-2', mlops: 'tok-mlops', mlops2: 'tok-mlops-2', both: 'tok-both', admin: 'tok-local-admin' };

const sha = (t: string) => createHash('sha256').update(t).digest('hex');

export interface IntakeServer {
  readonly url: string;
  readonly taskQueue: string;
  close(): void;
}

/** The real HTTP app with the alert and incident routes, on its own task queue. */
export async function startIntake(
  client: Client,
  opts: { perMinute?: number; burst?: number; audit?: (taskQueue: string) => ServerAudit; tracer?: Tracer; evidenceDir?: string } = {},
): Promise<IntakeServer> {
  const taskQueue = uniqueTaskQueue('intake');
  const { playbooks } = loadPlaybooks(['playbooks']);
  const auth = createApiAuth([
    { id: 'vera', roles: ['viewer'], groups: ['security-oncall'], tokens: [{ sha256: sha(tokens.viewer) }] },
    { id: 'olga', roles: ['responder'], groups: ['security-oncall'], tokens: [{ sha256: sha(tokens.oncall) }] },
    { id: 'otto', roles: ['responder'], groups: ['security-oncall'], tokens: [{ sha256: sha(tokens.oncall2) }] },
    { id: 'mo', roles: ['responder'], groups: ['mlops'], tokens: [{ sha256: sha(tokens.mlops) }] },
    { id: 'mia', roles: ['responder'], groups: ['mlops'], tokens: [{ sha256: sha(tokens.mlops2) }] },
    { id: 'bea', roles: ['responder'], groups: ['security-oncall', 'mlops'], tokens: [{ sha256: sha(tokens.both) }] },
    { id: LOCAL_ADMIN_ID, roles: ['admin'], groups: ['security-oncall', 'mlops', 'security-leads'], tokens: [{ sha256: sha(tokens.admin) }] },
  ]);
  const server: Server = createHttpApp({
    health: createHealthProbe({ client, taskQueue }),
    codec: new AesGcmPayloadCodec(suiteKeyring()),
    codecCorsOrigins: [],
    codecToken: 'codec-token-for-tests-0123456789',
    api: [
      ...alertRoutes({
        ingest: { client, playbooks, taskQueue, decisionKey: TEST_SIGNER.publicKey },
        credentials: CREDENTIALS,
        rateLimiter: createRateLimiter(opts.perMinute ?? 100_000, opts.burst ?? opts.perMinute ?? 100_000),
        dryRunDefault: true,
        ...(opts.audit ? { audit: opts.audit(taskQueue) } : {}),
      }),
      ...incidentRoutes(client, auth, TEST_SIGNER, undefined, playbooks),
      ...(opts.evidenceDir ? incidentEvidenceRoutes({ client, auth, evidence: localEvidenceReader(opts.evidenceDir) }) : []),
    ],
    log: () => undefined,
    ...(opts.tracer ? { tracer: opts.tracer } : {}),
  });
  const port = await listen(server, '127.0.0.1', 0);
  return { url: `http://127.0.0.1:${port}`, taskQueue, close: () => server.close() };
}

export function postAlert(url: string, alert: unknown, headers: Record<string, string> = {}, query = ''): Promise<Response> {
  const body = JSON.stringify(alert);
  return documentedFetch(`${url}/v1/alerts${query}`, { method: 'POST', headers: { 'content-type': 'application/json', ...senderHeaders(`/v1/alerts${query}`, body), ...headers }, body });
}
