/**
 * Structured logs (pino, one JSON object a line) and the request id: each HTTP request gets one,
 * its caller's X-Request-Id when that is sane, else a fresh UUID; it is echoed in the response,
 * put on the request's log line, and carried (AsyncLocalStorage) into the audit records the
 * request produces (server/audit.ts). No secret is logged: credentials' headers and query
 * parameters are replaced by "[redacted]".
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';

const requestScope = new AsyncLocalStorage<{ readonly requestId: string }>();

/** The id of the request being handled, if any. */
export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

/** An incoming id is kept when it is 1–128 characters of letters, digits and `._:-` (a UUID, a trace id); anything else (spaces, newlines, a token-sized blob) is replaced. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
}

/** Header and query names whose values are credentials. */
const SECRET_NAME = /authorization|cookie|token|secret|signature|api[-_]?key|password|session/i;
const REDACTED = '[redacted]';

/** The headers with every credential's value replaced. */
export function safeHeaders(headers: IncomingMessage['headers']): Record<string, string | string[] | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_NAME.test(k) ? REDACTED : v]));
}

function safeQuery(url: URL): string {
  if (!url.search) return '';
  const q = new URLSearchParams(url.search);
  for (const name of [...q.keys()]) if (SECRET_NAME.test(name)) q.set(name, REDACTED);
  return `?${q.toString()}`;
}

/**
 * Warden's JSON logger (pino) to `destination` (default stderr). Each line carries the request id
 * of the request it was logged in; pino's redaction is a second guard on the header paths.
 */
export function createJsonLogger(destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'warden',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      redact: { paths: ['headers.authorization', 'headers.cookie', 'headers["set-cookie"]', 'headers["x-hub-signature-256"]', 'headers["x-slack-signature"]'], censor: REDACTED },
    },
    destination ?? pino.destination(2),
  );
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Runs each request in its request id's scope, echoes the id as X-Request-Id, and (with a logger) logs one line when it is answered. */
export function withRequestId(logger: Logger | undefined, handler: Handler): Handler {
  return (req, res) => {
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    return requestScope.run({ requestId }, async () => {
      try {
        await handler(req, res);
      } finally {
        if (logger) {
          const url = new URL(req.url ?? '/', 'http://localhost');
          logger.info(
            {
              method: req.method,
              path: `${url.pathname}${safeQuery(url)}`,
              status: res.statusCode,
              durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
              client: req.socket.remoteAddress,
              headers: safeHeaders(req.headers),
            },
            'request',
          );
        }
      }
    });
  };
}
