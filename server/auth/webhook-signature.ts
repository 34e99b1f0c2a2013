import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signedPrefix, TIMESTAMP_HEADER } from '../../contracts/webhook-signature.js';
import { HttpError } from '../http-json.js';

export { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER };
/** How far a timestamp may be from the server's clock, either way. */
export const MAX_SKEW_S = 300;
const DELIVERY = /^[A-Za-z0-9._:-]{8,128}$/;

/** What the signature covers: the request as sent, so that no part can be swapped. */
export interface SignedRequest {
  readonly method: string;
  /** The path and query exactly as sent, e.g. `/v1/alerts?dry_run=true`. */
  readonly path: string;
  readonly timestamp: number;
  readonly delivery: string;
  readonly body: Buffer | string;
}

/** `sha256=` + hex HMAC-SHA256 over `v1\n<timestamp>\n<delivery>\n<METHOD>\n<path+query>\n<body>`. */
export function signRequest(secret: string, r: SignedRequest): string {
  const mac = createHmac('sha256', secret);
  mac.update(signedPrefix(r));
  mac.update(r.body);
  return `sha256=${mac.digest('hex')}`;
}

/** The three headers a sender adds (timestamp now and a fresh delivery id unless given). */
export function signedHeaders(secret: string, r: Omit<SignedRequest, 'timestamp' | 'delivery'> & Partial<SignedRequest>): Record<string, string> {
  const full: SignedRequest = { ...r, timestamp: r.timestamp ?? Math.floor(Date.now() / 1000), delivery: r.delivery ?? randomUUID() };
  return { [SIGNATURE_HEADER]: signRequest(secret, full), [TIMESTAMP_HEADER]: String(full.timestamp), [DELIVERY_HEADER]: full.delivery };
}

const single = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * Verifies Warden's own format (constant time): X-Warden-Timestamp (unix seconds, at most 5
 * minutes from now) and X-Warden-Delivery are mandatory and signed with the method, the path and
 * query, and the body. Returns the delivery id, which the caller remembers to accept it once.
 */
export function verifyWebhook(req: IncomingMessage, raw: Buffer, secret: string, nowMs = Date.now()): { delivery: string } {
  const given = single(req, SIGNATURE_HEADER);
  if (!given || !/^sha256=[0-9a-f]{64}$/.test(given)) {
    throw new HttpError(401, `missing or malformed ${SIGNATURE_HEADER}: expected sha256=<hex HMAC-SHA256 with WARDEN_WEBHOOK_SECRET>, see README "Signing alerts"`);
  }
  const tsHeader = single(req, TIMESTAMP_HEADER);
  if (tsHeader === undefined) throw new HttpError(401, `${TIMESTAMP_HEADER} is required (unix seconds, signed with the request)`);
  if (!/^\d{1,12}$/.test(tsHeader)) throw new HttpError(401, `${TIMESTAMP_HEADER} must be unix seconds`);
  const timestamp = Number(tsHeader);
  if (Math.abs(nowMs / 1000 - timestamp) > MAX_SKEW_S) throw new HttpError(401, `${TIMESTAMP_HEADER} is more than 5 minutes from now: replay refused`);
  const delivery = single(req, DELIVERY_HEADER);
  if (delivery === undefined) throw new HttpError(401, `${DELIVERY_HEADER} is required (a unique id per request, signed with it)`);
  if (!DELIVERY.test(delivery)) throw new HttpError(401, `${DELIVERY_HEADER} must be 8 to 128 characters of A-Z a-z 0-9 . _ : -`);
  const expected = Buffer.from(signRequest(secret, { method: req.method ?? '', path: req.url ?? '/', timestamp, delivery, body: raw }));
  if (!timingSafeEqual(expected, Buffer.from(given))) throw new HttpError(401, `${SIGNATURE_HEADER} does not match the request`);
  return { delivery };
}
