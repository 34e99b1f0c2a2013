import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http-json.js';
import { MAX_SKEW_S } from './webhook-signature.js';

/**
 * MLflow's webhook signature (MLflow 3.x, mlflow/webhooks/delivery.py): `X-MLflow-Signature:
 * v1,<base64 HMAC-SHA256>` over `<delivery id>.<unix timestamp>.<body>`, with the id in
 * X-MLflow-Delivery-Id and the time in X-MLflow-Timestamp. The id and the time are signed, so a
 * replay is refused by the time window and, within it, by the delivery memory.
 */
export function mlflowSignature(secret: string, delivery: string, timestamp: string, body: Buffer | string): string {
  return `v1,${createHmac('sha256', secret).update(`${delivery}.${timestamp}.`).update(body).digest('base64')}`;
}

/** The headers MLflow sends with a delivery (for tests and tools that stand in for it). */
export function mlflowHeaders(secret: string, body: string, delivery: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'x-mlflow-delivery-id': delivery, 'x-mlflow-timestamp': String(timestamp), 'x-mlflow-signature': mlflowSignature(secret, delivery, String(timestamp), body) };
}

const single = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/** Verifies a delivery (401 naming what is wrong); returns its delivery id. */
export function verifyMlflowWebhook(req: IncomingMessage, raw: Buffer, secret: string, nowMs = Date.now()): { delivery: string } {
  const signature = single(req, 'x-mlflow-signature');
  const timestamp = single(req, 'x-mlflow-timestamp');
  const delivery = single(req, 'x-mlflow-delivery-id');
  if (!signature || !timestamp || !delivery) {
    throw new HttpError(401, 'X-MLflow-Signature, X-MLflow-Timestamp and X-MLflow-Delivery-Id are required (set a secret on the MLflow webhook: MLflow signs only then)');
  }
  if (!/^[A-Za-z0-9-]{8,128}$/.test(delivery)) throw new HttpError(401, 'X-MLflow-Delivery-Id is not a delivery id');
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_S) {
    throw new HttpError(401, `X-MLflow-Timestamp is more than ${MAX_SKEW_S} s from the server's clock (a replay, or a clock to fix)`);
  }
  const expected = Buffer.from(mlflowSignature(secret, delivery, timestamp, raw));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(401, 'X-MLflow-Signature does not match MLFLOW_WEBHOOK_SECRET');
  return { delivery };
}
