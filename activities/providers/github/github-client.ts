import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';

const WardenOctokit = Octokit.plugin(throttling, retry);
export type GitHubClient = InstanceType<typeof WardenOctokit>;

/** GitHub App credentials: the installation on the organization is what acts. */
export interface GitHubAppCredentials {
  readonly appId: string;
  readonly privateKey: string;
  readonly installationId: string;
}

export interface GitHubClientOptions {
  /** A token (classic or fine-grained); ignored when `app` is given. */
  readonly token?: string;
  readonly app?: GitHubAppCredentials;
  /** The REST API root: GITHUB_API_URL, e.g. https://ghe.example.com/api/v3 for GitHub Enterprise Server. */
  readonly baseUrl?: string;
  /** The unit of retry waits in ms (GitHub's retry-after is in seconds); tests shorten it. */
  readonly retryBaseMs?: number;
}

/**
 * Retries inside one activity attempt, for rate limits and for 5xx/network errors alike. Past
 * that the call fails retryable and the activity's own Temporal retry policy takes over, so a
 * long rate-limit wait never holds a worker slot.
 */
export const IN_ACTIVITY_RETRIES = 2;

// 429 belongs to the throttling plugin; the retry plugin handles 5xx and network errors only.
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

// Per-request debug/info lines stay quiet; Octokit's warnings (deprecations, throttling trouble) reach the worker log.
const log = { debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error };

/** Writes that go at once before the spacing starts: one offboarding's GitHub revocations make about seven. */
export const WRITE_BURST = 10;

/**
 * GitHub asks for writes one at a time, and for a large number of them at least one second apart.
 * Octokit's own write limiter only spaces the start of each write a second apart, so an
 * offboarding's handful took a second each. Warden's is a token bucket that holds its slot for the
 * whole write (retries included): one write at a time, up to WRITE_BURST at once, then one a second,
 * which is Octokit's spacing. One bucket for every client in the process, as Octokit's limiters
 * are; a secondary rate limit GitHub answers anyway is still waited out (retry-after) and retried.
 */
const writes = new Bottleneck({
  maxConcurrent: 1,
  reservoir: WRITE_BURST,
  reservoirIncreaseAmount: 1,
  reservoirIncreaseInterval: 1000,
  reservoirIncreaseMaximum: WRITE_BURST,
});
/** Whether the write bucket is full: no write of this process waits on it, or has in the last WRITE_BURST seconds. */
export async function writeBucketFull(): Promise<boolean> {
  return (await writes.currentReservoir()) === WRITE_BURST;
}

/** Octokit's own spacing of writes is replaced by the bucket above: this group holds nothing back. */
const unpacedWrites = new Bottleneck.Group({ id: 'warden-github-write-unpaced' });

/** A write by GitHub's meaning: any method but GET and HEAD, except fetching an App installation's token. */
function isWrite(method: string, url: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && !/\/app\/installations\/[^/]+\/access_tokens$/.test(url);
}

/**
 * Builds the Octokit Warden uses: throttled (GitHub's concurrency and write guidance, above,
 * rate limits retried IN_ACTIVITY_RETRIES times), and retrying 5xx/network errors. No side
 * effects until a request is made; App credentials fetch an installation token on first use.
 */
export function createGitHubClient(opts: GitHubClientOptions): GitHubClient {
  const auth = opts.app ? { authStrategy: createAppAuth, auth: { appId: opts.app.appId, privateKey: opts.app.privateKey, installationId: opts.app.installationId } } : { auth: opts.token };
  if (!opts.app && !opts.token) throw new Error('GitHub credentials missing: set GITHUB_TOKEN, or the GitHub App id, private key and installation id');
  const retryAfterBaseValue = opts.retryBaseMs ?? 1000;
  const retryWhileBudgetLeft = (_after: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < IN_ACTIVITY_RETRIES;
  const client = new WardenOctokit({
    ...auth,
    baseUrl: (opts.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'warden',
    log,
    throttle: { onRateLimit: retryWhileBudgetLeft, onSecondaryRateLimit: retryWhileBudgetLeft, retryAfterBaseValue, write: unpacedWrites },
    retry: { retries: IN_ACTIVITY_RETRIES, doNotRetry: DO_NOT_RETRY, retryAfterBaseValue },
  });
  // Registered last, so it is the outermost wrap: the slot is held across the plugins' retries.
  client.hook.wrap('request', (request, options) => (isWrite(options.method, options.url) ? writes.schedule(async () => request(options)) : request(options)));
  return client;
}
