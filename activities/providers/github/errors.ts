import { failure, FailureKind } from '../../../contracts/failures.js';

/** What a GitHub call was doing, and what the credentials need for it (named in a 403). */
export interface GitHubCall {
  readonly what: string;
  readonly needs: string;
  /** What a 404 most likely means for this call, when more than "check the names". */
  readonly notFound?: string;
}

/** The fields of Octokit's RequestError we rely on (duck-typed: the class is not a direct dependency). */
interface HttpError {
  readonly status: number;
  readonly message: string;
  readonly response?: { readonly headers: Readonly<Record<string, string | number | undefined>>; readonly data?: unknown };
}

function isHttpError(err: unknown): err is HttpError {
  return err instanceof Error && typeof (err as { status?: unknown }).status === 'number';
}

const header = (e: HttpError, name: string): string | undefined => {
  const value = e.response?.headers[name];
  return value === undefined ? undefined : String(value);
};

/** GitHub's own words (the body's message), never the request: headers carry the credentials. */
function githubSaid(e: HttpError): string {
  const data = e.response?.data;
  if (data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string') return (data as { message: string }).message;
  return e.message.replace(/ - https:\/\/docs\.github\.com\S*$/, '');
}

/** True when GitHub answered "rate limited" (primary or secondary), not "forbidden". */
export function isRateLimited(e: HttpError): boolean {
  if (e.status === 429) return true;
  return e.status === 403 && (header(e, 'x-ratelimit-remaining') === '0' || /secondary rate limit/i.test(githubSaid(e)));
}

/** Milliseconds to wait before the next attempt: retry-after if given, else until x-ratelimit-reset. */
export function retryDelayOf(e: HttpError, nowMs = Date.now()): number | undefined {
  const after = Number(header(e, 'retry-after'));
  if (Number.isFinite(after) && after > 0) return Math.ceil(after) * 1000;
  const reset = Number(header(e, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(1000, reset * 1000 - nowMs);
  return undefined;
}

function neededFor(e: HttpError, call: GitHubCall): string {
  const scopes = header(e, 'x-accepted-oauth-scopes');
  if (scopes) return `the token scope ${scopes}`;
  const permissions = header(e, 'x-accepted-github-permissions');
  if (permissions) return `the GitHub App permission ${permissions}`;
  return call.needs;
}

/**
 * Turns an Octokit error into the Temporal failure that says what to do. Throttling, 5xx and
 * network errors are retryable (type GitHubUnavailable, with nextRetryDelay when GitHub said how
 * long); every other 4xx is non-retryable with a type naming it. Errors that are not HTTP errors
 * pass through unchanged. Messages hold GitHub's message only, never a credential.
 */
export function translateGitHubError(err: unknown, call: GitHubCall): unknown {
  if (!isHttpError(err)) return err;
  const said = githubSaid(err);
  if (!err.response) {
    return failure(FailureKind.GitHubUnavailable, `GitHub could not be reached while ${call.what}: ${said}`);
  }
  if (isRateLimited(err)) {
    const nextRetryDelay = retryDelayOf(err);
    const message = `GitHub rate limit reached while ${call.what} (HTTP ${err.status}, still limited after retrying): ${said}`;
    return failure(FailureKind.GitHubUnavailable, message, { nextRetryDelay });
  }
  if (err.status >= 500) return failure(FailureKind.GitHubUnavailable, `GitHub answered HTTP ${err.status} while ${call.what}: ${said}`);
  switch (err.status) {
    case 401:
      return failure(FailureKind.GitHubAuthFailed, `GitHub rejected the credentials while ${call.what} (401 ${said}): set a valid GITHUB_TOKEN, or valid GitHub App credentials`);
    case 403:
      return failure(FailureKind.GitHubForbidden, `GitHub refused ${call.what} (403 ${said}): the credentials need ${neededFor(err, call)}`);
    case 404:
      return failure(
        FailureKind.GitHubNotFound,
        `GitHub found nothing while ${call.what} (404): ${call.notFound ?? 'check WARDEN_GITHUB_ORG and the names given'}; GitHub also answers 404 when the credentials may not see a resource`,
      );
    case 422:
      return failure(FailureKind.GitHubValidation, `GitHub refused ${call.what} as invalid (422): ${said}`);
    default:
      return failure(FailureKind.GitHubRequestFailed, `GitHub answered HTTP ${err.status} while ${call.what}: ${said}`);
  }
}

/** Runs one GitHub call, translating its errors. */
export async function github<T>(call: GitHubCall, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateGitHubError(err, call);
  }
}

/** Like github(), but a 404 means "not there" and yields undefined: the idempotent read or removal. */
export async function githubUnlessAbsent<T>(call: GitHubCall, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (isHttpError(err) && err.status === 404) return undefined;
    throw translateGitHubError(err, call);
  }
}
