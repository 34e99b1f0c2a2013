import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApiAuth } from './auth/api-auth.js';
import { HttpError } from './http-json.js';
import type { RateLimiter } from './intake/rate-limit.js';
import type { Route } from './router.js';

/**
 * The same routes, each request first taking a token from `limiter` under the key of the
 * credential it presents (`keyOf`), never under a value the sender writes into the body: a caller
 * cannot escape its limit by changing a field, nor use up another credential's. 429 with
 * Retry-After when the bucket is empty, before the route does anything.
 */
export function rateLimited(routes: readonly Route[], limiter: RateLimiter, keyOf: (req: IncomingMessage) => string, what: string): Route[] {
  return routes.map((route) => ({
    ...route,
    async handle(req, res, params, send) {
      const taken = limiter.take(keyOf(req));
      if (!taken.ok) throw new HttpError(429, `too many ${what} requests with this credential; retry in ${taken.retryAfterS} s`, undefined, { 'retry-after': String(taken.retryAfterS) });
      await route.handle(req, res, params, send);
    },
  }));
}

/** The API identity a request authenticates as; requests that do not authenticate share one bucket (they get 401 anyway). */
export function identityKey(auth: ApiAuth, req: IncomingMessage): string {
  try {
    return `api:${auth.authenticate(req).id}`;
  } catch {
    return 'api:unauthenticated';
  }
}

/** The bearer credential a request presents, by its digest (the codec has one token; a wrong one gets 401 from the route). */
export const presentedKey = (prefix: string, req: IncomingMessage): string =>
  `${prefix}:${createHash('sha256')
    .update(req.headers.authorization ?? '')
    .digest('hex')}`;
