import { createHmac } from 'node:crypto';

/** Slack's request signature: `v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`). */
export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export interface SignOptions {
  readonly secret: string;
  /** Seconds since the epoch; now by default. */
  readonly timestamp?: number;
  /** Send this signature instead of the right one (a forgery). */
  readonly signature?: string;
  /** x-slack-retry-num and x-slack-retry-reason, as Slack adds them to a retry. */
  readonly retry?: { readonly num: number; readonly reason: string };
}

export interface SlackPost {
  readonly status: number;
  readonly body: string;
}

/** POSTs a form-encoded body signed exactly as Slack signs it. */
export async function postSigned(url: string, form: URLSearchParams, opts: SignOptions): Promise<SlackPost> {
  const body = form.toString();
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': opts.signature ?? slackSignature(opts.secret, timestamp, body),
      ...(opts.retry ? { 'x-slack-retry-num': String(opts.retry.num), 'x-slack-retry-reason': opts.retry.reason } : {}),
    },
    body,
  });
  return { status: res.status, body: await res.text() };
}

/** An interactivity payload (block_actions, view_submission) as Slack posts it: `payload=<json>`. */
export function postInteraction(url: string, payload: unknown, opts: SignOptions): Promise<SlackPost> {
  return postSigned(url, new URLSearchParams({ payload: JSON.stringify(payload) }), opts);
}

/** A slash command as Slack posts it: its fields, form-encoded. */
export function postCommand(url: string, fields: Record<string, string>, opts: SignOptions): Promise<SlackPost> {
  return postSigned(url, new URLSearchParams(fields), opts);
}
