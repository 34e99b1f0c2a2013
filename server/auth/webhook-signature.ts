import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http-json.js';

export const SIGNATURE_HEADER = 'x-warden-signature';
export const TIMESTAMP_HEADER = 'x-warden-timestamp';
const MAX_AGE_S = 300;

/**
 * The signature a sender computes: `sha256=` + hex HMAC-SHA256 over the raw body, or over
 * `<timestamp>.<raw body>` when it also sends X-Warden-Timestamp (unix seconds).
 */
export function signBody(secret: string, body: Buffer | string, timestamp?: number): string {
  const mac = createHmac('sha256', secret);
  if (timestamp !== undefined) mac.update(`${timestamp}.`);
  mac.update(body);
  return `sha256=${mac.digest('hex')}`;
}

/** Verifies X-Warden-Signature (constant time) and, when sent, rejects timestamps older than 5 minutes. */
export function verifyWebhook(req: IncomingMessage, raw: Buffer, secret: string, nowMs = Date.now()): void {
  const given = req.headers[SIGNATURE_HEADER];
  if (typeof given !== 'string' || !/^sha256=[0-9a-f]{64}$/.test(given)) {
    throw new HttpError(401, `missing or malformed ${SIGNATURE_HEADER}: expected sha256=<hex HMAC-SHA256 of the body with WARDEN_WEBHOOK_SECRET>`);
  }
  const tsHeader = req.headers[TIMESTAMP_HEADER];
  let timestamp: number | undefined;
  if (tsHeader !== undefined) {
    if (typeof tsHeader !== 'string' || !/^\d{1,12}$/.test(tsHeader)) throw new HttpError(401, `${TIMESTAMP_HEADER} must be unix seconds`);
    timestamp = Number(tsHeader);
    if (Math.abs(nowMs / 1000 - timestamp) > MAX_AGE_S) throw new HttpError(401, `${TIMESTAMP_HEADER} is more than 5 minutes from now: replay refused`);
  }
  const expected = Buffer.from(signBody(secret, raw, timestamp));
  if (!timingSafeEqual(expected, Buffer.from(given))) throw new HttpError(401, `${SIGNATURE_HEADER} does not match the body`);
}
