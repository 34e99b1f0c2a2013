import type { ApplicationFailure } from '@temporalio/common';
import { failure as anyFailure, FailureKind } from '../../../contracts/failures.js';
import type { ModelRegistryFailureType } from '../../ports/model-registry.js';

/** What a request was about, for messages: "registered model fraud", "alias champion of model fraud". */
export type Subject = string;

const CREDENTIALS_HINT = 'set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD';
const MAX_DETAIL = 300;

/** A failure of one of the kinds the ModelRegistry port declares. */
export function failure(kind: ModelRegistryFailureType, message: string): ApplicationFailure {
  return anyFailure(kind, message);
}

/** The server's own words, shortened, with anything that looks like the password removed. */
function detail(body: string, secret: string | undefined): string {
  let text = body;
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') text = parsed.message;
  } catch {
    /* not JSON: keep the text */
  }
  if (secret) text = text.split(secret).join('***');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/** MLflow's error_code in a JSON error body; undefined for any other body (e.g. an HTML 404 of a route the server lacks). */
export function errorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { error_code?: unknown }).error_code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** Turns a non-2xx answer into a Temporal failure that says what to do. */
export function fromResponse(status: number, body: string, call: string, where: string, subject: Subject, secret?: string): ApplicationFailure {
  const code = errorCode(body);
  const said = detail(body, secret);
  if (status === 429 || status >= 500) return failure(FailureKind.RegistryUnavailable, `MLflow at ${where} answered HTTP ${status} to ${call}: ${said}`);
  if (status === 401) return failure(FailureKind.RegistryAccessDenied, `MLflow at ${where} refused the credentials for ${call} (HTTP 401); ${CREDENTIALS_HINT}`);
  if (status === 403 && /host header/i.test(said)) {
    return failure(FailureKind.RegistryAccessDenied, `MLflow at ${where} refused the Host header of ${call} (HTTP 403); start the server with --allowed-hosts including ${new URL(where).host}`);
  }
  if (status === 403) {
    return failure(FailureKind.RegistryAccessDenied, `MLflow at ${where} denied ${call} on ${subject} (HTTP 403); grant the user access, or ${CREDENTIALS_HINT} for one that has it`);
  }
  if (code === 'RESOURCE_DOES_NOT_EXIST' || status === 404) return failure(FailureKind.ModelNotFound, `${subject} was not found in MLflow at ${where} (${said})`);
  if (code === 'INVALID_PARAMETER_VALUE') return failure(FailureKind.InvalidRegistryRequest, `MLflow refused ${call} on ${subject}: ${said}`);
  return failure(FailureKind.InvalidRegistryRequest, `MLflow at ${where} answered HTTP ${status} to ${call} on ${subject}: ${said}`);
}

/** Turns a fetch that never got an answer (refused, reset, DNS, timeout) into a retryable failure. */
export function fromNetworkError(err: unknown, call: string, where: string): ApplicationFailure {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  const reason = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.code ?? e.cause?.name ?? e.name ?? 'network error');
  return failure(FailureKind.RegistryUnavailable, `MLflow at ${where} could not be reached for ${call}: ${reason}`);
}
