/**
 * GitHub's `secret_scanning_alert` webhook: a secret found in a repository opens an incident.
 * The secret itself (`alert.secret`, present in some payloads) is never read into the output.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ALERT_LIMITS, checkShape, fitText } from '../alert-schema.js';
import { REDACTED } from '../redact.js';
import { compact, isoOrUndefined, isRecord, nonEmpty, rawOf, type AdapterResult } from './types.js';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Checks `X-Hub-Signature-256` (`sha256=` + hex HMAC-SHA256 of the raw body under the webhook
 * secret) in constant time. False when the header is missing or malformed, or the secret is
 * empty (an unset secret must not make every body valid).
 */
export function verifyGitHubSignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  const hex = header ? SIGNATURE.exec(header.trim())?.[1] : undefined;
  if (!hex || secret.length === 0) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Actions that mean a secret is (again, or more widely) exposed: they open an incident or join the open one. */
const OPENING_ACTIONS = new Set(['created', 'reopened', 'publicly_leaked']);
/** Actions that close the alert at GitHub: recorded on the open incident as its resolution. */
const RESOLVING_ACTIONS = new Set(['resolved', 'revoked']);

const userSchema = z.object({ login: z.string().min(1) });

/**
 * The fields Warden reads, as GitHub's schemas (@octokit/webhooks-schemas, GitHub Enterprise
 * Server included) allow them: only what every `secret_scanning_alert` and
 * `secret_scanning_alert_location` payload carries is required (the alert's number and secret
 * type, the repository); the rest may be absent or null (a GHES `reopened` alert has no
 * html_url or created_at). Unknown fields are kept in `details.raw`.
 */
/** GitHub's ping names the hook it tests; anything else under `ping` is not GitHub's ping. */
const pingSchema = z.object({ hook_id: z.number().int(), zen: z.string().optional() });

const payloadSchema = z.object({
  action: z.string().min(1),
  alert: z.object({
    number: z.number().int().positive(),
    secret_type: z.string().min(1),
    secret_type_display_name: z.string().nullish(),
    html_url: z.string().nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    validity: z.string().nullish(),
    publicly_leaked: z.boolean().nullish(),
    push_protection_bypassed: z.boolean().nullish(),
    push_protection_bypassed_by: userSchema.nullish(),
    resolution: z.string().nullish(),
    resolved_at: z.string().nullish(),
    resolved_by: userSchema.nullish(),
  }),
  repository: z.object({ full_name: z.string().min(1), html_url: z.string().nullish(), private: z.boolean().nullish(), visibility: z.string().nullish() }),
  organization: z.object({ login: z.string() }).nullish(),
  sender: userSchema.nullish(),
});

type Payload = z.infer<typeof payloadSchema>;

/** Replaces every occurrence of `secret` in the strings of `value` (a guard: no field is meant to hold it). */
function scrub(value: unknown, secret: string | undefined): unknown {
  if (!secret || secret.length < 8) return value;
  if (typeof value === 'string') return value.split(secret).join(REDACTED);
  if (Array.isArray(value)) return value.map((v) => scrub(v, secret));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secret)]));
  return value;
}

const field = (v: string | undefined): string | undefined => (v ? fitText(v, ALERT_LIMITS.fieldMax) : undefined);

const fitLabel = (v: string): string => fitText(v, ALERT_LIMITS.labelValueMax);

/** The body as GitHub sent it for details.raw, without the secret itself. */
function rawWithoutSecret(body: unknown): unknown {
  if (!isRecord(body) || !isRecord(body.alert) || !('secret' in body.alert)) return rawOf(body);
  const alert = Object.fromEntries(Object.entries(body.alert).filter(([k]) => k !== 'secret'));
  return rawOf({ ...body, alert });
}

function toGenericAlert(event: string, payload: Payload, body: unknown): Record<string, unknown> {
  const { action, alert, repository, sender } = payload;
  const resolved = RESOLVING_ACTIONS.has(action);
  const leaked = action === 'publicly_leaked' || alert.publicly_leaked === true;
  const validity = alert.validity ?? undefined;
  const bypasser = alert.push_protection_bypassed_by?.login;
  const visibility = repository.visibility ?? (repository.private === true ? 'private' : repository.private === false ? 'public' : undefined);
  return compact({
    type: 'github.secret_scanning',
    severity: validity === 'active' || leaked ? 'critical' : 'high',
    title: fitText(`${alert.secret_type_display_name ?? alert.secret_type} exposed in ${repository.full_name}`, ALERT_LIMITS.titleMax),
    source: 'github',
    observed_at: isoOrUndefined(alert.created_at),
    fingerprint: fitText(`github-secret:${repository.full_name}#${alert.number}`, ALERT_LIMITS.fingerprintMax),
    resource: compact({
      kind: 'repository',
      name: fitText(repository.full_name, ALERT_LIMITS.fieldMax),
      uri: alert.html_url ? fitText(alert.html_url, ALERT_LIMITS.uriMax) : undefined,
    }),
    // Who pushed the secret past push protection is the one to talk to; else who triggered the event.
    principal: nonEmpty(compact({ github_login: field(bypasser ?? (resolved ? undefined : sender?.login)) })),
    labels: compact({
      secret_type: fitLabel(alert.secret_type),
      repository: fitLabel(repository.full_name),
      visibility: visibility ? fitLabel(visibility) : undefined,
      validity: validity ? fitLabel(validity) : undefined,
      github_event: fitLabel(`${event}.${action}`),
    }),
    status: resolved ? 'resolved' : undefined,
    resolved_at: resolved ? (isoOrUndefined(alert.resolved_at) ?? isoOrUndefined(alert.updated_at)) : undefined,
    resolved_by: resolved ? field(alert.resolved_by?.login ?? sender?.login) : undefined,
    details: compact({
      alert_number: alert.number,
      action,
      html_url: alert.html_url ?? undefined,
      publicly_leaked: leaked || undefined,
      push_protection_bypassed_by: bypasser,
      resolution: alert.resolution ?? undefined,
      sender: sender?.login,
      raw: rawWithoutSecret(body),
    }),
  });
}

/**
 * Normalizes a GitHub webhook delivery. `event` is the `X-GitHub-Event` header. A
 * `secret_scanning_alert` created, reopened or publicly_leaked becomes an alert that opens an
 * incident (or joins the open one of `repository#number`); resolved and revoked become a
 * resolution of the open incident; every other action (validated, assigned…) and a new
 * `secret_scanning_alert_location` join the open incident only. `ping` (with its `hook_id`) is skipped. Other events
 * and payloads without the required fields are errors naming each field at fault.
 */
export function normalizeSecretScanning(event: string | undefined, body: unknown): AdapterResult {
  if (event === 'ping') {
    const ping = checkShape(pingSchema, body);
    return ping.ok ? { ok: true, alerts: [], skipped: [{ reason: 'ping: the webhook is reachable' }] } : ping;
  }
  if (event !== 'secret_scanning_alert' && event !== 'secret_scanning_alert_location') {
    const message = event
      ? `event "${fitText(event, 64)}" is not read here; subscribe this webhook to "Secret scanning alerts" (and, if you like, "Secret scanning alert locations") only`
      : 'is required (GitHub sends it with every delivery)';
    return { ok: false, details: [{ path: 'X-GitHub-Event', message }] };
  }
  const checked = checkShape(payloadSchema, body);
  if (!checked.ok) return checked;
  const secret = isRecord(body) && isRecord(body.alert) && typeof body.alert.secret === 'string' ? body.alert.secret : undefined;
  const generic = scrub(toGenericAlert(event, checked.value, body), secret);
  const opens = event === 'secret_scanning_alert' && OPENING_ACTIONS.has(checked.value.action);
  return opens ? { ok: true, alerts: [generic], skipped: [] } : { ok: true, alerts: [], followUps: [generic], skipped: [] };
}
