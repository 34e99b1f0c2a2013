import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { isTemporalUnavailable } from '../temporal/errors.js';
import { HttpError } from './http-json.js';

/** Runs a Temporal call; an outage becomes 503 with Retry-After, so senders retry instead of losing data. */
export async function orUnavailable<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (isTemporalUnavailable(err)) throw new HttpError(503, `Temporal cannot take the request right now (${what}); retry`, undefined, { 'retry-after': '5' });
    throw err;
  }
}

export interface RefusalWords {
  /** Said (409) when the workflow exists but has finished. */
  readonly closed: string;
  /** Said (404) when there is no such workflow. */
  readonly missing: string;
  /** Update refusals that mean "you may not" (403); "does not exist" is 404, any other 409. */
  readonly forbidden?: RegExp;
  /** Update refusals that mean "the request lacks a field" (400, naming the field). */
  readonly invalid?: { readonly pattern: RegExp; readonly field: string };
}

/**
 * Maps a workflow's refusal onto HTTP. A finished workflow refuses Updates with "not found", so
 * describe tells a finished one (409) from a missing one (404).
 */
async function refusal(err: unknown, handle: WorkflowHandle, words: RefusalWords): Promise<never> {
  if (err instanceof WorkflowNotFoundError) {
    const exists = await handle.describe().then(
      () => true,
      () => false,
    );
    throw exists ? new HttpError(409, words.closed) : new HttpError(404, words.missing);
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const reason = err.cause?.message ?? 'refused';
    if (words.invalid?.pattern.test(reason)) throw new HttpError(400, reason, [{ path: words.invalid.field, message: reason }]);
    throw new HttpError(words.forbidden?.test(reason) ? 403 : /does not exist/.test(reason) ? 404 : 409, reason);
  }
  throw err;
}

/** Queries or updates one workflow: an outage is 503, the workflow's refusals their 4xx. */
export function steer<T>(handle: WorkflowHandle, what: string, words: RefusalWords, call: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
  return orUnavailable(what, () => call(handle)).catch((err: unknown) => refusal(err, handle, words));
}
