/**
 * GitHub's `secret_scanning_alert` webhook: a secret found in a repository opens an incident.
 * The secret itself (`alert.secret`, present in some payloads) is never read into the output.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ALERT_LIMITS, checkShape, fitText } from '../alert-schema.js';
import { REDACTED } from '../redact.js';
import { compact, isRecord, nonEmpty, type AdapterResult } from './types.js';

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

/** Actions that mean a secret is (again, or more widely) exposed. */
const OPENING_ACTIONS = new Set(['created', 'reopened', 'publicly_leaked']);

const userSchema = z.object({ login: z.string().min(1) });

const payloadSchema = z.object({
  action: z.string(),
  alert: z.object({
    number: z.number().int().positive(),
    secret_type: z.string().min(1),
    secret_type_display_name: z.string().nullish(),
    html_url: z.string().min(1),
    created_at: z.string(),
    validity: z.string().nullish(),
    publicly_leaked: z.boolean().nullish(),
    push_protection_bypassed: z.boolean().nullish(),
    push_protection_bypassed_by: userSchema.nullish(),
  }),
  repository: z.object({ full_name: z.string().min(1), html_url: z.string().optional(), private: z.boolean(), visibility: z.string().optional() }),
  organization: z.object({ login: z.string() }).nullish(),
  sender: userSchema.nullish(),
});

/** Replaces every occurrence of `secret` in the strings of `value` (a guard: no field is meant to hold it). */
function scrub(value: unknown, secret: string | undefined): unknown {
  if (!secret || secret.length < 8) return value;
  if (typeof value === 'string') return value.split(secret).join(REDACTED);
  if (Array.isArray(value)) return value.map((v) => scrub(v, secret));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secret)]));
  return value;
}

const field = (v: string | undefined): string | undefined => (v ? fitText(v, ALERT_LIMITS.fieldMax) : undefined);

/**
 * Normalizes a GitHub webhook delivery. `event` is the `X-GitHub-Event` header. A
 * `secret_scanning_alert` with action created, reopened or publicly_leaked becomes one generic
 * alert body; other actions (resolved, validated, assigned…) and `ping` are skipped with the
 * reason. Other events and malformed payloads are errors naming each field at fault.
 */
export function normalizeSecretScanning(event: string | undefined, body: unknown): AdapterResult {
  if (event === 'ping') return { ok: true, alerts: [], skipped: [{ reason: 'ping: the webhook is reachable' }] };
  if (event !== 'secret_scanning_alert') {
    const message = event ? `event "${fitText(event, 64)}" is not read here; subscribe this webhook to "Secret scanning alerts" only` : 'is required (GitHub sends it with every delivery)';
    return { ok: false, details: [{ path: 'X-GitHub-Event', message }] };
  }
  const action = isRecord(body) && typeof body.action === 'string' ? body.action : undefined;
  if (action !== undefined && !OPENING_ACTIONS.has(action)) {
    return { ok: true, alerts: [], skipped: [{ reason: `action "${fitText(action, 64)}" does not open an incident` }] };
  }
  const checked = checkShape(payloadSchema, body);
  if (!checked.ok) return checked;
  const { alert, repository, sender } = checked.value;
  const leaked = checked.value.action === 'publicly_leaked' || alert.publicly_leaked === true;
  const validity = alert.validity ?? 'unknown';
  const bypasser = alert.push_protection_bypassed_by?.login;
  const generic = compact({
    type: 'github.secret_scanning',
    severity: validity === 'active' || leaked ? 'critical' : 'high',
    title: fitText(`${alert.secret_type_display_name ?? alert.secret_type} exposed in ${repository.full_name}`, ALERT_LIMITS.titleMax),
    source: 'github',
    observed_at: alert.created_at,
    fingerprint: fitText(`github-secret:${repository.full_name}#${alert.number}`, ALERT_LIMITS.fingerprintMax),
    resource: compact({ kind: 'repository', name: fitText(repository.full_name, ALERT_LIMITS.fieldMax), uri: fitText(alert.html_url, ALERT_LIMITS.uriMax) }),
    // Who pushed the secret past push protection is the one to talk to; else who triggered the event.
    principal: nonEmpty(compact({ github_login: field(bypasser ?? sender?.login) })),
    labels: {
      secret_type: fitText(alert.secret_type, ALERT_LIMITS.labelValueMax),
      repository: fitText(repository.full_name, ALERT_LIMITS.labelValueMax),
      visibility: fitText(repository.visibility ?? (repository.private ? 'private' : 'public'), ALERT_LIMITS.labelValueMax),
      validity: fitText(validity, ALERT_LIMITS.labelValueMax),
    },
    details: compact({
      alert_number: alert.number,
      html_url: alert.html_url,
      publicly_leaked: leaked || undefined,
      push_protection_bypassed_by: bypasser,
      sender: sender?.login,
    }),
  });
  const secret = isRecord(body) && isRecord(body.alert) && typeof body.alert.secret === 'string' ? body.alert.secret : undefined;
  return { ok: true, alerts: [scrub(generic, secret)], skipped: [] };
}
