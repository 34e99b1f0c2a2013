/**
 * Warden's v1 webhook signature, as a wire format: the headers a sender adds and the text the
 * HMAC-SHA256 covers. The server verifies it (server/auth/webhook-signature.ts); Warden's own
 * activities sign with it when they send an alert through the intake (activities/providers/warden-intake/).
 */
export const SIGNATURE_HEADER = 'x-warden-signature';
export const TIMESTAMP_HEADER = 'x-warden-timestamp';
export const DELIVERY_HEADER = 'x-warden-delivery';

/** The signed text before the raw body: `v1\n<timestamp>\n<delivery>\n<METHOD>\n<path+query>\n`. The MAC covers this, then the body. */
export function signedPrefix(r: { readonly timestamp: number; readonly delivery: string; readonly method: string; readonly path: string }): string {
  return `v1\n${r.timestamp}\n${r.delivery}\n${r.method.toUpperCase()}\n${r.path}\n`;
}
