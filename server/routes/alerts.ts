import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Alert } from '../../contracts/incident.js';
import { verifyWebhook } from '../auth/webhook-signature.js';
import { HttpError, parseJson, readRawBody, sendJson } from '../http-json.js';
import { normalizeAlertmanager } from '../intake/adapters/alertmanager.js';
import { normalizeSecretScanning, verifyGitHubSignature } from '../intake/adapters/github-secret-scanning.js';
import { normalizeGuardDuty } from '../intake/adapters/guardduty.js';
import type { AdapterResult } from '../intake/adapters/types.js';
import { parseAlert } from '../intake/alert-schema.js';
import { ingestAlert, joinedNothing, type IngestDeps, type IngestResult, type NothingToJoin } from '../intake/ingest.js';
import type { RateLimiter } from '../intake/rate-limit.js';
import { redactAlert } from '../intake/redact.js';
import type { Route } from '../router.js';
import { orUnavailable } from '../temporal-errors.js';

export interface AlertRouteDeps {
  readonly ingest: IngestDeps;
  readonly webhookSecret: string;
  /** GitHub's webhook secret; the Warden secret when unset. */
  readonly githubWebhookSecret?: string;
  readonly rateLimiter: RateLimiter;
  readonly dryRunDefault: boolean;
}

export const ALERT_BODY_LIMIT = 1024 * 1024;

const digest = (s: string | Buffer): Buffer => createHash('sha256').update(s).digest();

function requireJson(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, `content-type must be application/json (got ${type || 'none'})`);
}

function dryRunOf(req: IncomingMessage, dflt: boolean): boolean {
  const v = new URL(req.url ?? '/', 'http://x').searchParams.get('dry_run');
  if (v === null) return dflt;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new HttpError(400, 'invalid query', [{ path: 'dry_run', message: 'must be true or false' }]);
}

/** The Warden HMAC signature, or (for senders that cannot sign: Alertmanager, EventBridge) the secret as a bearer token. */
function authenticateSender(req: IncomingMessage, raw: Buffer, secret: string, bearerAllowed: boolean): void {
  const auth = req.headers.authorization;
  if (bearerAllowed && auth && !req.headers['x-warden-signature']) {
    const given = /^Bearer\s+(\S+)$/i.exec(auth)?.[1] ?? '';
    if (!timingSafeEqual(digest(given), digest(secret))) throw new HttpError(401, 'bearer token does not match WARDEN_WEBHOOK_SECRET');
    return;
  }
  verifyWebhook(req, raw, secret);
}

type Accepted = IngestResult & { redactions: number };
interface Outcomes {
  readonly accepted: Accepted[];
  /** Follow-ups and resolutions that found no open incident: nothing was started. */
  readonly nothing: NothingToJoin[];
}

/** A body to ingest: `joinOnly` ones (follow-ups) only join an open incident. */
interface Incoming {
  readonly body: unknown;
  readonly joinOnly: boolean;
}

async function accept(d: AlertRouteDeps, req: IncomingMessage, incoming: readonly Incoming[]): Promise<Outcomes> {
  const alerts: { alert: Alert; joinOnly: boolean }[] = [];
  const problems: { path: string; message: string }[] = [];
  incoming.forEach(({ body, joinOnly }, i) => {
    const parsed = parseAlert(body);
    if (parsed.ok) alerts.push({ alert: parsed.alert, joinOnly });
    else problems.push(...parsed.details.map((p) => ({ path: incoming.length > 1 ? `alerts[${i}]${p.path ? `.${p.path}` : ''}` : p.path, message: p.message })));
  });
  if (problems.length > 0) throw new HttpError(400, 'invalid alert', problems);
  const dryRun = dryRunOf(req, d.dryRunDefault);
  for (const { alert } of alerts) {
    const limited = d.rateLimiter.take(alert.source);
    if (!limited.ok) throw new HttpError(429, `too many alerts from source "${alert.source}"`, undefined, { 'retry-after': String(limited.retryAfterS) });
  }
  const outcomes: Outcomes = { accepted: [], nothing: [] };
  for (const { alert, joinOnly } of alerts) {
    const { alert: clean, redactions } = redactAlert(alert);
    const outcome = await orUnavailable('accepting the alert', () => ingestAlert(d.ingest, clean, { dryRun, joinOnly }));
    if (joinedNothing(outcome)) outcomes.nothing.push(outcome);
    else outcomes.accepted.push({ ...outcome, redactions });
  }
  return outcomes;
}

/**
 * 202 when at least one alert was recorded on an incident; 200 when nothing was (all skipped,
 * or follow-ups and resolutions with no open incident: "nothing to resolve").
 */
function answer(res: ServerResponse, outcomes: Outcomes, skipped: readonly { reason: string }[], single: boolean): void {
  const { accepted, nothing } = outcomes;
  if (single && accepted.length === 1) return sendJson(res, 202, accepted[0]);
  if (single && nothing.length === 1) return sendJson(res, 200, nothing[0]);
  sendJson(res, accepted.length > 0 ? 202 : 200, { accepted, skipped: [...skipped, ...nothing.map((n) => ({ reason: `${n.result}: ${n.reason}` }))] });
}

function adapterRoute(path: string, d: AlertRouteDeps, normalize: (req: IncomingMessage, body: unknown) => AdapterResult, auth: (req: IncomingMessage, raw: Buffer) => void): Route {
  return {
    method: 'POST',
    path,
    async handle(req, res) {
      requireJson(req);
      const raw = await readRawBody(req, ALERT_BODY_LIMIT);
      auth(req, raw);
      const normalized = normalize(req, parseJson(raw));
      if (!normalized.ok) throw new HttpError(400, `not a valid ${path.split('/').pop()} payload`, normalized.details);
      const incoming = [...normalized.alerts.map((body) => ({ body, joinOnly: false })), ...(normalized.followUps ?? []).map((body) => ({ body, joinOnly: true }))];
      answer(res, await accept(d, req, incoming), normalized.skipped, false);
    },
  };
}

/** POST /v1/alerts and the adapters that normalize other formats into the generic alert. */
export function alertRoutes(d: AlertRouteDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/alerts',
      async handle(req, res) {
        requireJson(req);
        const raw = await readRawBody(req, ALERT_BODY_LIMIT);
        verifyWebhook(req, raw, d.webhookSecret);
        answer(res, await accept(d, req, [{ body: parseJson(raw), joinOnly: false }]), [], true);
      },
    },
    adapterRoute(
      '/v1/alerts/alertmanager',
      d,
      (_req, body) => normalizeAlertmanager(body),
      (req, raw) => authenticateSender(req, raw, d.webhookSecret, true),
    ),
    adapterRoute(
      '/v1/alerts/guardduty',
      d,
      (_req, body) => normalizeGuardDuty(body),
      (req, raw) => authenticateSender(req, raw, d.webhookSecret, true),
    ),
    adapterRoute(
      '/v1/alerts/github-secret-scanning',
      d,
      (req, body) => normalizeSecretScanning(typeof req.headers['x-github-event'] === 'string' ? req.headers['x-github-event'] : undefined, body),
      (req, raw) => {
        const header = req.headers['x-hub-signature-256'];
        if (!verifyGitHubSignature(raw, typeof header === 'string' ? header : undefined, d.githubWebhookSecret ?? d.webhookSecret)) {
          throw new HttpError(401, 'X-Hub-Signature-256 is missing or does not match the GitHub webhook secret');
        }
      },
    ),
  ];
}
