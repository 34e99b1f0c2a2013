import { createHmac, randomUUID } from 'node:crypto';
import type { AlertSender } from '../config/state-secrets.js';
import { signedHeaders } from '../server/auth/webhook-signature.js';

/** Where an alert file goes, and how its sender authenticates there. */
export interface AlertRoute {
  readonly sender: AlertSender;
  readonly path: string;
  /** What the sender is, for messages: "Warden's generic alert", "an Alertmanager webhook"… */
  readonly what: string;
  /** The headers the real sender sends with `body` on `pathAndQuery`, with its own credential. */
  headers(secret: string, pathAndQuery: string, body: Buffer): Record<string, string>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The route a JSON document belongs to, by its shape: an Alertmanager webhook (version 4 with
 * `alerts`), a GuardDuty finding as EventBridge delivers it, a GitHub secret-scanning webhook
 * (`action`, `alert`, `repository`), else Warden's generic alert. Each is posted as its sender
 * posts it: Warden's v1 HMAC, a bearer token, or GitHub's X-Hub-Signature-256 with the event name.
 */
export function alertRouteOf(doc: unknown): AlertRoute {
  if (isObject(doc) && doc.version === '4' && Array.isArray(doc.alerts)) {
    return { sender: 'alertmanager', path: '/v1/alerts/alertmanager', what: 'an Alertmanager webhook', headers: (secret) => ({ authorization: `Bearer ${secret}` }) };
  }
  if (isObject(doc) && (doc['detail-type'] === 'GuardDuty Finding' || doc.source === 'aws.guardduty')) {
    return { sender: 'guardduty', path: '/v1/alerts/guardduty', what: 'a GuardDuty finding (EventBridge)', headers: (secret) => ({ authorization: `Bearer ${secret}` }) };
  }
  if (isObject(doc) && typeof doc.action === 'string' && isObject(doc.alert) && isObject(doc.repository)) {
    const event = isObject(doc.location) ? 'secret_scanning_alert_location' : 'secret_scanning_alert';
    return {
      sender: 'github',
      path: '/v1/alerts/github-secret-scanning',
      what: `a GitHub ${event} webhook`,
      headers: (secret, _path, body) => ({
        'x-github-event': event,
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      }),
    };
  }
  return { sender: 'webhook', path: '/v1/alerts', what: "Warden's generic alert", headers: (secret, path, body) => signedHeaders(secret, { method: 'POST', path, body }) };
}
