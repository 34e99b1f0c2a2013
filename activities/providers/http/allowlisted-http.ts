import { ApplicationFailure } from '@temporalio/common';
import type { HttpRequest, HttpRequester, HttpResponse } from '../../ports.js';
import { failure, FailureKind } from '../../../contracts/failures.js';

const SECRET_HEADERS = new Set(['authorization', 'cookie', 'x-api-key']);
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const ALLOWLIST_SETTING = 'WARDEN_HTTP_ALLOWLIST';

/** Lower-cases a hostname and drops IPv6 brackets and a trailing dot, so rules compare by value. */
const normalizeHost = (host: string) =>
  host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');

const HOSTNAME = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
const IPV6 = /^[0-9a-f:.]*:[0-9a-f:.]*$/;

/**
 * Builds the host check from allowlist rules. A rule is an exact hostname ("api.example.com",
 * "127.0.0.1", "::1") or a wildcard ("*.example.com") matching any subdomain on a dot boundary,
 * but not the bare domain. Pure; throws on a rule that is neither, naming the setting.
 */
export function hostMatcher(allowHosts: readonly string[]): (hostname: string) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const raw of allowHosts) {
    const rule = normalizeHost(raw.trim());
    const wildcard = rule.startsWith('*.');
    const base = wildcard ? rule.slice(2) : rule;
    if (!HOSTNAME.test(base) && (wildcard || !IPV6.test(base))) {
      throw new Error(`${ALLOWLIST_SETTING}: ${JSON.stringify(raw)} is not a hostname, an IP address or a *.domain wildcard`);
    }
    if (wildcard) suffixes.push(`.${base}`);
    else exact.add(base);
  }
  return (hostname) => {
    const host = normalizeHost(hostname);
    return exact.has(host) || suffixes.some((suffix) => host.endsWith(suffix));
  };
}

/** Scrubs secret header values and the full URL (its query may carry tokens) from `text`. */
function redactor(req: HttpRequest, url: URL): (text: string) => string {
  const secrets = Object.entries(req.headers ?? {})
    .filter(([name, value]) => SECRET_HEADERS.has(name.toLowerCase()) && value.length > 0)
    .map(([, value]) => value);
  const replacements: [string, string][] = [
    [req.url, `${url.origin}${url.pathname}`],
    [url.href, `${url.origin}${url.pathname}`],
    ...secrets.map((secret): [string, string] => [secret, '[redacted]']),
  ];
  return (text) => replacements.reduce((out, [from, to]) => out.split(from).join(to), text);
}

/** Parses the URL and applies the scheme and host rules before anything touches the network. */
function checkedUrl(raw: string, isAllowed: (hostname: string) => boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw failure(FailureKind.InvalidHttpRequest, 'the request URL is not an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw failure(FailureKind.HostNotAllowed, `scheme ${url.protocol} is not allowed; use http or https`);
  }
  if (url.username || url.password) {
    throw failure(FailureKind.InvalidHttpRequest, 'the request URL carries credentials; send them in a header instead');
  }
  if (!isAllowed(url.hostname)) {
    throw failure(FailureKind.HostNotAllowed, `host ${url.hostname} is not in the HTTP allowlist; add it to ${ALLOWLIST_SETTING} if Warden should reach it`);
  }
  return url;
}

/** The most telling short reason for a failed fetch: the socket error code when there is one. */
function networkCause(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Builds the fetch options, validating headers, method and body without any I/O, so a bad
 * request fails as non-retryable instead of looking like a network error. A bad header is named
 * but its value is never echoed.
 */
function requestInit(req: HttpRequest, target: string, redact: (text: string) => string): RequestInit {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    try {
      headers.append(name, value);
    } catch {
      throw failure(FailureKind.InvalidHttpRequest, `${target}: header ${JSON.stringify(name)} has an invalid name or value`);
    }
  }
  const init: RequestInit = { method: req.method, headers, body: req.body, redirect: 'manual' };
  try {
    new Request('http://validation.invalid/', init);
  } catch (err) {
    throw failure(FailureKind.InvalidHttpRequest, redact(`${target}: invalid request: ${(err as Error).message}`));
  }
  return init;
}

/** Reads at most `limit` bytes of the body, then stops the transfer. */
async function readCapped(response: Response, limit: number): Promise<{ body: string; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  const decode = () => new TextDecoder().decode(Buffer.concat(chunks));
  if (!response.body) return { body: '', truncated: false };
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: decode(), truncated: false };
    if (size + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - size));
      await reader.cancel();
      return { body: decode(), truncated: true };
    }
    chunks.push(value);
    size += value.byteLength;
  }
}

/** Retry-After in milliseconds, when the peer sent it in seconds. */
function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/**
 * An HTTP client that reaches only allowlisted hosts, for playbook steps that call webhooks
 * and internal APIs.
 *
 * Side effects: whatever the request does at the peer; this adapter adds none and cannot make a
 * non-idempotent method idempotent, so callers send an idempotency header where the peer
 * supports one. The hostname is checked before any connection and redirects are never followed
 * (a 3xx is returned as is), so a request cannot leave the allowlist. Timeouts, network errors,
 * 429 and 5xx throw a retryable `HttpUnavailable`; a disallowed host throws a non-retryable
 * `HostNotAllowed`; other 4xx are returned for the caller to judge. Values of the
 * authorization, cookie and x-api-key headers never appear in an error.
 */
export function createAllowlistedHttp(opts: { allowHosts: readonly string[]; maxBodyBytes?: number }): HttpRequester {
  const isAllowed = hostMatcher(opts.allowHosts);
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      const url = checkedUrl(req.url, isAllowed);
      const target = `${req.method} ${url.origin}`;
      const redact = redactor(req, url);
      const init = requestInit(req, target, redact);
      try {
        const response = await fetch(url, { ...init, signal: AbortSignal.timeout(req.timeoutMs) });
        if (response.status === 429 || response.status >= 500) {
          await response.body?.cancel();
          throw failure(FailureKind.HttpUnavailable, `${target} answered HTTP ${response.status}; will retry`, { nextRetryDelay: retryAfterMs(response) });
        }
        const { body, truncated } = await readCapped(response, maxBodyBytes);
        return { status: response.status, headers: Object.fromEntries(response.headers), body, truncated };
      } catch (err) {
        if (err instanceof ApplicationFailure) throw err;
        const detail = err instanceof Error && err.name === 'TimeoutError' ? `timed out after ${req.timeoutMs} ms` : `failed: ${networkCause(err)}`;
        throw failure(FailureKind.HttpUnavailable, redact(`${target} ${detail}`));
      }
    },
  };
}
