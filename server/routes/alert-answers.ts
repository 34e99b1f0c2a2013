/** How an alert route answers: one alert (POST /v1/alerts) or a sender's batch (the adapters), each status with its declared body. */
import type { AlertAccepted } from '../api-responses.js';
import type { NothingToJoin } from '../intake/ingest.js';
import type { Send } from '../router.js';

/** What the intake made of a request's alerts. */
export interface Outcomes {
  readonly accepted: AlertAccepted[];
  /** Follow-ups and resolutions that found no open incident: nothing was started. */
  readonly nothing: NothingToJoin[];
}

export type OneAlert = { readonly 202: 'AlertAccepted'; readonly 200: 'AlertNotRecorded' };
export type Batch = { readonly 202: 'AdapterAccepted'; readonly 200: 'AdapterNotRecorded' };
export const BATCH: Batch = { 202: 'AdapterAccepted', 200: 'AdapterNotRecorded' };
export const ONE_ALERT: OneAlert = { 202: 'AlertAccepted', 200: 'AlertNotRecorded' };

/** One alert: 202 when it was recorded on an incident; 200 when nothing was (a follow-up or resolution with no open incident: "nothing to resolve"). */
export function answerOne(send: Send<OneAlert>, { accepted, nothing }: Outcomes): void {
  if (accepted[0]) return send(202, accepted[0]);
  if (nothing[0]) return send(200, nothing[0]);
  send(200, { accepted, skipped: [] });
}

/** A batch: 202 when at least one alert was recorded on an incident; 200 when none was (each skipped, said why). */
export function answerBatch(send: Send<Batch>, { accepted, nothing }: Outcomes, skipped: readonly { reason: string }[]): void {
  const body = { accepted, skipped: [...skipped, ...nothing.map((n) => ({ reason: `${n.result}: ${n.reason}` }))] };
  if (accepted.length > 0) send(202, body);
  else send(200, body);
}
