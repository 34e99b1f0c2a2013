import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendJson } from './http-json.js';

export interface Route {
  readonly method: 'GET' | 'POST' | 'OPTIONS' | 'DELETE' | 'PUT';
  readonly path: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/**
 * Dispatches by exact method and path. Unknown paths answer 404, known paths with another
 * method 405; an HttpError becomes its status, anything else a 500 whose detail stays in the
 * server log (never in the response, which could echo a secret).
 */
export function createRouter(routes: readonly Route[], log: (msg: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const forPath = routes.filter((r) => r.path === path);
    const route = forPath.find((r) => r.method === req.method);
    try {
      if (!route) {
        if (forPath.length === 0) throw new HttpError(404, `no route ${path}`);
        throw new HttpError(405, `${req.method} is not allowed on ${path}`, undefined, { allow: forPath.map((r) => r.method).join(', ') });
      }
      await route.handle(req, res);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        sendJson(res, err.status, { error: err.message, ...(err.details ? { details: err.details } : {}) }, { ...err.headers });
        return;
      }
      log(`${req.method} ${path} failed: ${(err as Error).name}: ${(err as Error).message}`);
      sendJson(res, 500, { error: 'internal error; see the server log' });
    }
  };
}
