import { ApplicationFailure } from '@temporalio/common';
import { failure, FailureKind, isFailureKind } from '../../../contracts/failures.js';

/** One IAM API call, named for error messages: the operation and what it acted on. */
export interface AwsCall {
  /** The IAM operation, e.g. `UpdateAccessKey`; the permission to grant is `iam:<operation>`. */
  readonly operation: string;
  /** What the call was about, e.g. `access key AKIA… of IAM user dana`. */
  readonly subject: string;
  /** The service prefix of the permission to grant; default iam. */
  readonly service?: string;
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestLimitExceeded', 'TooManyRequestsException', 'SlowDown']);
const TRANSIENT = new Set([
  'ServiceFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ConcurrentModification',
  'PriorRequestNotComplete',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const BAD_CREDENTIALS = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'InvalidAccessKeyId']);
/** AWS refusals whose code is itself the failure kind. */
const REFUSED: ReadonlySet<string> = new Set<FailureKind>([
  FailureKind.DeleteConflict,
  FailureKind.ValidationError,
  FailureKind.LimitExceeded,
  FailureKind.InvalidInput,
  FailureKind.EntityAlreadyExists,
  FailureKind.MalformedPolicyDocument,
  FailureKind.UnmodifiableEntity,
  FailureKind.PolicyNotAttachable,
]);
const isRefusal = (code: string | undefined): code is FailureKind => code !== undefined && REFUSED.has(code);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly Code?: string;
  readonly code?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $response?: { readonly headers?: Readonly<Record<string, string | undefined>> };
}

/** The AWS error code of an SDK error (`NoSuchEntity`, `Throttling`…), or undefined for non-AWS errors. */
export function awsErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as SdkError;
  if (e.Code) return e.Code;
  if (!e.$fault || !e.name) return undefined;
  return e.name.endsWith('Exception') && !THROTTLING.has(e.name) ? e.name.slice(0, -'Exception'.length) : e.name;
}

/** HTTP status of the response that failed, if one arrived. */
export function httpStatusOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null ? (err as SdkError).$metadata?.httpStatusCode : undefined;
}

/** Retry-After (seconds or an HTTP date) in milliseconds, when the response carried one. */
function retryAfterMs(err: SdkError): number | undefined {
  const header = err.$response?.headers?.['retry-after'];
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : undefined;
  const at = Date.parse(header);
  return Number.isFinite(at) && at > Date.now() ? at - Date.now() : undefined;
}

/** Drops request-signing material (credential scope, signature, session token) from an AWS message. */
function redact(message: string): string {
  return message.replace(/(Credential|Signature|X-Amz-Security-Token|X-Amz-Signature)=[^\s,&"']+/gi, '$1=[redacted]');
}

function unavailable(message: string, nextRetryDelay?: number): ApplicationFailure {
  return failure(FailureKind.AwsUnavailable, message, { nextRetryDelay });
}

/**
 * Turns an SDK error into a Temporal failure that says what to do. Throttling, 5xx, timeouts
 * and network errors: retryable `AwsUnavailable` (honouring Retry-After). NoSuchEntity:
 * `AwsNotFound`. Denied or rejected credentials: `AwsAccessDenied` naming the permission.
 * DeleteConflict, ValidationError, LimitExceeded, InvalidInput and other refusals: non-retryable,
 * typed with the AWS code. Messages never carry credentials or signatures.
 */
export function translateAwsError(err: unknown, call: AwsCall): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkError;
  const code = awsErrorCode(err);
  const status = httpStatusOf(err);
  const what = `AWS IAM ${call.operation} (${call.subject})`;
  const detail = e.message ? `: ${redact(e.message.split('\n')[0] ?? '')}` : '';

  if ((code && THROTTLING.has(code)) || status === 429) return unavailable(`${what} was throttled${detail}; will retry`, retryAfterMs(e));
  if ((code && TRANSIENT.has(code)) || (status !== undefined && status >= 500)) {
    return unavailable(`${what} failed with ${code ?? `HTTP ${status}`}; will retry`, retryAfterMs(e));
  }
  if (e.name === 'CredentialsProviderError') {
    return failure(FailureKind.AwsAccessDenied, `${what}: no AWS credentials found; set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is available`);
  }
  if (status === undefined && !code) {
    const reason =
      e.name === 'TimeoutError' || e.code === 'ETIMEDOUT' ? 'timed out' : e.code && NETWORK.has(e.code) ? `could not reach IAM (${e.code})` : `failed (${e.code ?? e.name ?? 'unknown error'})`;
    return unavailable(`${what} ${reason}; will retry`);
  }
  if (code === 'NoSuchEntity') return failure(FailureKind.AwsNotFound, `${what}: not found${detail}`);
  if (code && DENIED.has(code)) {
    return failure(FailureKind.AwsAccessDenied, `${what} was denied (${code}): grant ${call.service ?? 'iam'}:${call.operation} to the principal Warden runs as`);
  }
  if (code && BAD_CREDENTIALS.has(code)) {
    return failure(FailureKind.AwsAccessDenied, `${what}: AWS rejected the credentials (${code}); check the access key, secret and session token Warden is configured with`);
  }
  if (isRefusal(code)) return failure(code, `${what} was refused (${code})${detail}`);
  return failure(FailureKind.AwsRequestRejected, `${what} was rejected (${code ?? `HTTP ${status}`})${detail}`);
}

/** Runs one IAM call, translating its failure. */
export async function awsCall<T>(call: AwsCall, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateAwsError(err, call);
  }
}

/** True for a NoSuchEntity answer (the thing is absent). */
export function isNotFound(err: unknown): boolean {
  return awsErrorCode(err) === 'NoSuchEntity' || isFailureKind(err, FailureKind.AwsNotFound);
}
