import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendJson, type ErrorBody } from './http-json.js';
import { routeMatched } from './http-tracing.js';
import type { ZodType } from 'zod';
import type { ApiResponses } from './api-responses.js';

export type Params = Readonly<Record<string, string>>;

/** The name of a response body's type in ApiResponses (server/api-responses.ts): its schema in server/openapi.json. */
export type ResponseName = keyof ApiResponses;
/** What a route answers with JSON: status → the body's type, by name. */
export type Responses = Readonly<Record<number, ResponseName>>;
/** Sends a JSON answer whose body the compiler checks against the type the route declares for that status. */
export type Send<R extends Responses> = <S extends keyof R & number>(status: S, body: ApiResponses[R[S] & ResponseName], headers?: Record<string, string>) => void;

export interface Route<R extends Responses = Responses> {
  readonly method: 'GET' | 'POST' | 'OPTIONS' | 'DELETE' | 'PUT';
  /** Exact path, or with `:name` segments, e.g. /v1/incidents/:id */
  readonly path: string;
  /** The JSON body's schema, when the route reads one: server/openapi.json's requestBody is generated from it (`npm run openapi`). */
  readonly body?: ZodType;
  /** The query's schema, when the route reads one: the operation's query parameters are generated from it. */
  readonly query?: ZodType;
  /** Its JSON answers, status → body type: the operation's responses in server/openapi.json are generated from them. */
  readonly responses?: R;
  handle(req: IncomingMessage, res: ServerResponse, params: Params, send: Send<R>): Promise<void>;
}

/** A route whose `send` is typed by its `responses`: what the handler sends is what the document says. */
export const route = <const R extends Responses>(r: Route<R>): Route => r as unknown as Route;

function match(pattern: string, path: string): Params | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (!g) return undefined;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

/**
 * Dispatches by method and path. Unknown paths answer 404, known paths with another method
 * 405; an HttpError becomes its status, anything else a 500 whose detail stays in the server
 * log (never in the response, which could echo a secret).
 */
export function createRouter(routes: readonly Route[], log: (msg: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const forPath = routes.flatMap((r) => {
      const params = match(r.path, path);
      return params ? [{ route: r, params }] : [];
    });
    const found = forPath.find((r) => r.route.method === req.method);
    try {
      if (!found) {
        if (forPath.length === 0) throw new HttpError(404, `no route ${path}`);
        throw new HttpError(405, `${req.method} is not allowed on ${path}`, undefined, { allow: [...new Set(forPath.map((r) => r.route.method))].join(', ') });
      }
      routeMatched(found.route.method, found.route.path);
      await found.route.handle(req, res, found.params, (status, body, headers) => sendJson(res, status, body, headers));
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        const body: ErrorBody = { error: err.message, ...(err.details ? { details: err.details } : {}) };
        sendJson(res, err.status, body, { ...err.headers });
        return;
      }
      log(`${req.method} ${path} failed: ${(err as Error).name}: ${(err as Error).message}`);
      sendJson(res, 500, { error: 'internal error; see the server log' } satisfies ErrorBody);
    }
  };
}
