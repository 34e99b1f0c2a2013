import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Alert } from '../../contracts/incident.js';
import { STATE_SECRETS, type AlertSender } from '../../config/state-secrets.js';
import { createDeliveryMemory, type DeliveryMemory } from '../auth/delivery-memory.js';
import { verifyWebhook } from '../auth/webhook-signature.js';
import { HttpError, parseJson, readRawBody, sendJson } from '../http-json.js';
import { normalizeAlertmanager } from '../intake/adapters/alertmanager.js';
import { normalizeSecretScanning, verifyGitHubSignature } from '../intake/adapters/github-secret-scanning.js';
import { normalizeGuardDuty } from '../intake/adapters/guardduty.js';
import { judgeMlflowEvent, RegistryNotConfigured, type RegistryReader } from '../intake/adapters/mlflow.js';
import { verifyMlflowWebhook } from '../auth/mlflow-signature.js';
import type { AdapterResult } from '../intake/adapters/types.js';
import { parseAlert } from '../intake/alert-schema.js';
import { createOpenIncidentHints, type OpenIncidentHints } from '../intake/open-incidents.js';
import { ingestAlert, joinedNothing, type IngestDeps } from '../intake/ingest.js';
import type { RateLimiter } from '../intake/rate-limit.js';
import { redactAlert } from '../intake/redact.js';
import { route, type Responses, type Route, type Send } from '../router.js';
import type { DuplicateDelivery } from '../api-responses.js';
import { answerBatch, answerOne, BATCH, ONE_ALERT, type Batch, type OneAlert, type Outcomes } from './alert-answers.js';
import { NO_SERVER_AUDIT, type ServerAudit } from '../audit.js';
import { orUnavailable } from '../temporal-errors.js';

export interface AlertRouteDeps {
  readonly ingest: IngestDeps;
  /** Each sender's own credential (config/state-secrets.ts): none is accepted on another sender's route. */
  readonly credentials: Readonly<Record<AlertSender, string>>;
  /** Keyed on the sender whose credential authenticated the request, never on the `source` the sender writes. */
  readonly rateLimiter: RateLimiter;
  readonly dryRunDefault: boolean;
  /** The delivery ids seen (per server process); a fresh memory when absent. */
  readonly deliveries?: DeliveryMemory;
  /** The incidents recently seen open (per server process), so a repeated alert takes one call; a fresh memory when absent. */
  readonly openIncidents?: OpenIncidentHints;
  /** MLflow registry events: the registry to check them against (absent: MLflow not configured) and the watched aliases. */
  readonly mlflow?: { readonly registry?: RegistryReader; readonly watchedAliases: readonly string[] };
  /** The audit trail: every alert accepted or refused (default: none). */
  readonly audit?: ServerAudit;
}

export const ALERT_BODY_LIMIT = 1024 * 1024;

const digest = (s: string | Buffer): Buffer => createHash('sha256').update(s).digest();
const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

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

/** Authenticates a sender (401 otherwise); returns the delivery id to accept once, when the format has one. */
type Authenticate = (req: IncomingMessage, raw: Buffer) => { delivery?: string };

/** Alertmanager and EventBridge API destinations cannot sign: their own bearer token, compared in constant time. */
function bearer(sender: AlertSender, token: string): Authenticate {
  const variable = STATE_SECRETS[sender].variable;
  return (req) => {
    const given = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
    if (!given) throw new HttpError(401, `authentication required: send Authorization: Bearer <${variable}>`, undefined, { 'www-authenticate': 'Bearer' });
    if (!timingSafeEqual(digest(given), digest(token))) throw new HttpError(401, `bearer token does not match ${variable}`, undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return {};
  };
}

/**
 * GitHub's X-Hub-Signature-256 over the body, and X-GitHub-Delivery, which GitHub sends with
 * every delivery. GitHub does not sign the delivery id, so this memory stops a verbatim replay
 * only; the incident's deterministic workflow id stops the rest.
 */
function github(secret: string): Authenticate {
  return (req, raw) => {
    if (!verifyGitHubSignature(raw, header(req, 'x-hub-signature-256'), secret)) {
      throw new HttpError(401, 'X-Hub-Signature-256 is missing or does not match GITHUB_WEBHOOK_SECRET');
    }
    const delivery = header(req, 'x-github-delivery');
    if (!delivery || !/^[A-Za-z0-9._:-]{1,128}$/.test(delivery)) throw new HttpError(401, 'X-GitHub-Delivery is required (GitHub sends a GUID with every delivery)');
    return { delivery };
  };
}

/** A body to ingest: `joinOnly` ones (follow-ups) only join an open incident. */
interface Incoming {
  readonly body: unknown;
  readonly joinOnly: boolean;
}

async function accept(d: AlertRouteDeps, sender: AlertSender, req: IncomingMessage, incoming: readonly Incoming[]): Promise<Outcomes> {
  const delivery = deliveryOf(req);
  const alerts: { alert: Alert; joinOnly: boolean }[] = [];
  const problems: { path: string; message: string }[] = [];
  incoming.forEach(({ body, joinOnly }, i) => {
    const parsed = parseAlert(body);
    if (parsed.ok) alerts.push({ alert: parsed.alert, joinOnly });
    else problems.push(...parsed.details.map((p) => ({ path: incoming.length > 1 ? `alerts[${i}]${p.path ? `.${p.path}` : ''}` : p.path, message: p.message })));
  });
  if (problems.length > 0) throw new HttpError(400, 'invalid alert', problems);
  const dryRun = dryRunOf(req, d.dryRunDefault);
  for (let i = 0; i < alerts.length; i++) {
    const limited = d.rateLimiter.take(`alerts:${sender}`);
    if (!limited.ok) throw new HttpError(429, `too many alerts with the ${STATE_SECRETS[sender].variable} credential`, undefined, { 'retry-after': String(limited.retryAfterS) });
  }
  const outcomes: Outcomes = { accepted: [], nothing: [] };
  for (const { alert, joinOnly } of alerts) {
    const { alert: clean, redactions } = redactAlert(alert);
    const outcome = await orUnavailable('accepting the alert', () => ingestAlert({ ...d.ingest, ...(d.openIncidents ? { openIncidents: d.openIncidents } : {}) }, clean, { dryRun, joinOnly }));
    if (joinedNothing(outcome)) outcomes.nothing.push(outcome);
    else {
      outcomes.accepted.push({ ...outcome, redactions });
      (d.audit ?? NO_SERVER_AUDIT).append({
        kind: 'alert.accepted',
        actor: `credential:${STATE_SECRETS[sender].variable}`,
        subject: outcome.incidentId,
        details: {
          sender,
          ...(delivery ? { delivery } : {}),
          source: clean.source,
          type: clean.type,
          ...(clean.fingerprint ? { fingerprint: clean.fingerprint } : {}),
          playbook: outcome.playbook,
          deduplicated: outcome.deduplicated,
          dryRun,
          redactions,
        },
      });
    }
  }
  return outcomes;
}

/** The delivery id a sender gave (GitHub's X-GitHub-Delivery), for the audit record. */
function deliveryOf(req: IncomingMessage): string | undefined {
  const v = header(req, 'x-github-delivery');
  return v && /^[A-Za-z0-9._:-]{1,128}$/.test(v) ? v : undefined;
}

/** A refused request, once it is refused: who it claimed to be (the route's sender), why, and the status. */
function auditRefusal(audit: ServerAudit | undefined, path: string, sender: AlertSender, req: IncomingMessage, err: unknown): void {
  if (!(err instanceof HttpError) || !audit) return;
  const delivery = deliveryOf(req);
  audit.append({
    kind: 'alert.refused',
    actor: err.status === 401 ? `unauthenticated (route of ${sender})` : `credential:${STATE_SECRETS[sender].variable}`,
    subject: path,
    details: { sender, status: err.status, reason: err.message, ...(err.details?.length ? { problems: err.details.slice(0, 20) } : {}), ...(delivery ? { delivery } : {}) },
  });
}

type Run<R extends Responses> = (req: IncomingMessage, raw: Buffer, send: Send<R>) => Promise<void>;

/**
 * One intake route: JSON, at most 1 MiB, its sender's credential, then each delivery id once
 * (a second time: 200 "duplicate delivery, ignored", nothing signalled). A request that fails
 * releases its id, so that the sender's retry is not taken for a replay.
 */
function intakeRoute<const R extends OneAlert | Batch>(
  path: string,
  sender: AlertSender,
  deliveries: DeliveryMemory,
  authenticate: Authenticate,
  responses: R,
  run: Run<R>,
  audit?: ServerAudit,
): Route {
  return route({
    method: 'POST',
    path,
    responses,
    async handle(req, res, _params, send) {
      try {
        await handle(req, res, send);
      } catch (err) {
        auditRefusal(audit, path, sender, req, err);
        throw err;
      }
    },
  });
  async function handle(req: IncomingMessage, res: ServerResponse, send: Send<R>): Promise<void> {
    requireJson(req);
    const raw = await readRawBody(req, ALERT_BODY_LIMIT);
    const { delivery } = authenticate(req, raw);
    const key = delivery === undefined ? undefined : `${sender}:${delivery}`;
    if (key) {
      const seen = deliveries.claim(key);
      if (seen === 'duplicate') return sendJson(res, 200, { result: 'duplicate delivery, ignored', delivery: delivery! } satisfies DuplicateDelivery);
      if (seen === 'full') throw new HttpError(429, 'too many deliveries within the replay window; retry later', undefined, { 'retry-after': '60' });
    }
    try {
      await run(req, raw, send);
    } catch (err) {
      if (key) deliveries.release(key);
      throw err;
    }
  }
}

function adapter(d: AlertRouteDeps, sender: AlertSender, path: string, normalize: (req: IncomingMessage, body: unknown) => AdapterResult | Promise<AdapterResult>): Run<Batch> {
  return async (req, raw, send) => {
    const normalized = await normalize(req, parseJson(raw));
    if (!normalized.ok) throw new HttpError(400, `not a valid ${path.split('/').pop()} payload`, normalized.details);
    const incoming = [...normalized.alerts.map((body) => ({ body, joinOnly: false })), ...(normalized.followUps ?? []).map((body) => ({ body, joinOnly: true }))];
    answerBatch(send, await accept(d, sender, req, incoming), normalized.skipped);
  };
}

/** POST /v1/alerts and the adapters that normalize other formats into the generic alert, each with its own credential. */
export function alertRoutes(deps: AlertRouteDeps): Route[] {
  const d: AlertRouteDeps = { ...deps, openIncidents: deps.openIncidents ?? createOpenIncidentHints() };
  const deliveries = d.deliveries ?? createDeliveryMemory();
  const c = d.credentials;
  const am = '/v1/alerts/alertmanager';
  const gd = '/v1/alerts/guardduty';
  const gh = '/v1/alerts/github-secret-scanning';
  const ml = '/v1/alerts/mlflow';
  return [
    intakeRoute(
      '/v1/alerts',
      'webhook',
      deliveries,
      (req, raw) => verifyWebhook(req, raw, c.webhook),
      ONE_ALERT,
      async (req, raw, send) => answerOne(send, await accept(d, 'webhook', req, [{ body: parseJson(raw), joinOnly: false }])),
      d.audit,
    ),
    intakeRoute(
      am,
      'alertmanager',
      deliveries,
      bearer('alertmanager', c.alertmanager),
      BATCH,
      adapter(d, 'alertmanager', am, (_req, body) => normalizeAlertmanager(body)),
      d.audit,
    ),
    intakeRoute(
      gd,
      'guardduty',
      deliveries,
      bearer('guardduty', c.guardduty),
      BATCH,
      adapter(d, 'guardduty', gd, (_req, body) => normalizeGuardDuty(body)),
      d.audit,
    ),
    intakeRoute(
      gh,
      'github',
      deliveries,
      github(c.github),
      BATCH,
      adapter(d, 'github', gh, (req, body) => normalizeSecretScanning(header(req, 'x-github-event'), body)),
      d.audit,
    ),
    intakeRoute(
      ml,
      'mlflow',
      deliveries,
      (req, raw) => verifyMlflowWebhook(req, raw, c.mlflow),
      BATCH,
      adapter(d, 'mlflow', ml, (_req, body) => checkedAgainstRegistry(d.mlflow, body)),
    ),
  ];
}

/**
 * An MLflow event judged against the registry it came from. Without a readable registry the
 * event is not judged: 503, so MLflow delivers it again, and nothing is waved through unchecked.
 */
async function checkedAgainstRegistry(m: AlertRouteDeps['mlflow'], body: unknown): Promise<AdapterResult> {
  try {
    return await judgeMlflowEvent(body, m?.registry, m?.watchedAliases ?? []);
  } catch (err) {
    if (err instanceof RegistryNotConfigured) throw new HttpError(503, err.message, undefined, { 'retry-after': '300' });
    throw new HttpError(503, `the model registry could not be read to check this event: ${(err as Error).message}`, undefined, { 'retry-after': '30' });
  }
}
