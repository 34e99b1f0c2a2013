import { failure, FailureKind } from '../../../contracts/failures.js';

export interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}
export const statusOf = (err: unknown) => (err as SdkError)?.$metadata?.httpStatusCode;

/** An S3 error as Warden's failure, `store` naming which store: reachability, throttling and 5xx are retryable; a refusal is final and says what to fix. */
export function s3Failure(store: string, err: unknown, what: string): Error {
  const e = err as SdkError;
  const status = statusOf(err);
  if (status === undefined || status >= 500 || status === 429 || e.name === 'SlowDown') {
    return failure(FailureKind.ObjectStoreUnavailable, `${store}: ${what} failed: ${e.message ?? String(err)}`, { cause: err as Error });
  }
  return failure(FailureKind.ObjectStoreRejected, `${store}: ${what} was refused (${e.name ?? 'error'}, HTTP ${status}): ${e.message ?? ''}`.trim());
}
