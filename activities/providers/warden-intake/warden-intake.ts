/**
 * The AlertIntake port over Warden's own POST /v1/alerts: the alert signed as any webhook sender
 * signs it (Warden HMAC v1 with WARDEN_WEBHOOK_SECRET, X-Warden-Timestamp and X-Warden-Delivery),
 * so it goes through the same checks, redaction, rate limit, routing and audit record. The
 * delivery id is derived from the caller's key: a retried send is the delivery already taken.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Alert } from '../../../contracts/incident.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signedPrefix, TIMESTAMP_HEADER } from '../../../contracts/webhook-signature.js';
import type { AlertIntake, IntakeAnswer } from '../../ports/alert-intake.js';

export interface WardenIntakeOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8080. */
  readonly baseUrl: string;
  /** WARDEN_WEBHOOK_SECRET, read at each send (the server may generate it after the worker started); undefined: not there yet. */
  readonly secret: () => string | undefined;
  readonly timeoutMs?: number;
}

/** Thrown for an answer worth retrying (unreachable, 429, 5xx) or a missing secret. The message never holds the secret. */
export class IntakeUnavailable extends Error {
  override name = 'IntakeUnavailable';
}

/** Warden's v1 signature (contracts/webhook-signature.ts): `sha256=` + hex HMAC-SHA256 over the signed prefix, then the body. */
function sign(secret: string, timestamp: number, delivery: string, path: string, body: string): string {
  return `sha256=${createHmac('sha256', secret)
    .update(signedPrefix({ timestamp, delivery, method: 'POST', path }))
    .update(body)
    .digest('hex')}`;
}

const errorOf = (json: Record<string, unknown>, text: string): string => (typeof json.error === 'string' ? json.error : text);
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').slice(0, 300);

export function createWardenIntake(o: WardenIntakeOptions): AlertIntake {
  const url = new URL('/v1/alerts', o.baseUrl);
  return {
    async send(alert: Alert, deliveryKey: string): Promise<IntakeAnswer> {
      const secret = o.secret();
      if (!secret) throw new IntakeUnavailable('WARDEN_WEBHOOK_SECRET is not set and not yet generated in the state dir: start the server (warden start) first');
      const body = JSON.stringify(alert);
      const delivery = `warden-${createHash('sha256').update(deliveryKey).digest('hex').slice(0, 40)}`;
      const timestamp = Math.floor(Date.now() / 1000);
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: sign(secret, timestamp, delivery, url.pathname, body),
            [TIMESTAMP_HEADER]: String(timestamp),
            [DELIVERY_HEADER]: delivery,
          },
          body,
          signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
        });
      } catch (err) {
        throw new IntakeUnavailable(`the alert intake at ${url.origin} is not reachable: ${(err as Error).message}`);
      }
      const text = await res.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* not JSON: the text is the answer */
      }
      if (res.status === 429 || res.status >= 500) throw new IntakeUnavailable(`the alert intake answered ${res.status}: ${oneLine(errorOf(json, text))}`);
      const incidentId = typeof json.incidentId === 'string' ? json.incidentId : undefined;
      const playbook = typeof json.playbook === 'string' ? json.playbook : undefined;
      let outcome: string;
      if (res.status >= 400) {
        const details = Array.isArray(json.details) ? (json.details as { path?: string; message?: string }[]).map((d) => `${d.path ?? ''}: ${d.message ?? ''}`).join('; ') : '';
        outcome = `refused: ${res.status} ${oneLine(errorOf(json, text))}${details ? ` (${oneLine(details)})` : ''}`;
      } else if (typeof json.result === 'string') outcome = json.result;
      else outcome = `${json.deduplicated === true ? 'joined' : 'opened'} ${incidentId ?? '(no incident id)'}`;
      return { status: res.status, outcome, ...(incidentId ? { incidentId } : {}), ...(playbook ? { playbook } : {}) };
    },
  };
}
