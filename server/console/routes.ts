import { z } from 'zod';
import type { ApiAuth, Caller } from '../auth/api-auth.js';
import { HttpError, parseBody, readJsonBody } from '../http-json.js';
import { route, type Route } from '../router.js';
import { CSRF_HEADER, SESSION_COOKIE, cookieOf, csrfMatches, sessionCookie, type ConsoleSessions } from './sessions.js';

const SESSION_S = 8 * 3600;
const tokenBody = z.object({ token: z.string().min(1).max(512) }).strict();

export interface ConsoleSessionDeps {
  readonly auth: ApiAuth;
  readonly sessions: ConsoleSessions;
  /** Who an identity id is (its display name), for the session answer. */
  readonly nameOf?: (identityId: string) => string | undefined;
  /** The person of warden.yaml an identity is (a reviewer decides their own queue), if any. */
  readonly personOf?: (caller: Caller) => Promise<{ readonly id: string } | undefined>;
}

/**
 * The console's log in and out. A one-time login link (`warden start` prints it on the embedded
 * default) or an API token becomes a session cookie; the session acts with the identity's roles
 * through the same API routes, and GET /console/session hands the page its CSRF token.
 *   GET    /console/login?code=…   one-time code → cookie, then 303 to /console/
 *   POST   /console/session        { token } → cookie, { id, name?, person?, roles, groups, csrf }
 *   GET    /console/session        the session, as above, or 401
 *   DELETE /console/session        log out (a change: it needs the CSRF token)
 */
export function consoleSessionRoutes(d: ConsoleSessionDeps): Route[] {
  const describe = async (caller: Caller, csrf: string, oidcName?: string) => {
    const name = d.nameOf?.(caller.id) ?? oidcName;
    const person = await d.personOf?.(caller);
    return { id: caller.id, ...(name ? { name } : {}), ...(person ? { person: person.id } : {}), roles: caller.roles, groups: caller.groups, csrf };
  };
  return [
    {
      method: 'GET',
      path: '/console/login',
      async handle(req, res) {
        const code = new URL(req.url ?? '/', 'http://localhost').searchParams.get('code') ?? '';
        const identityId = code ? d.sessions.redeemLoginCode(code) : undefined;
        if (!identityId) throw new HttpError(401, 'this login link was used already, has expired or is wrong: restart `warden start` for a new one, or log in with an API token at /console/');
        const { sid } = d.sessions.open(identityId);
        res.writeHead(303, { location: '/console/', 'set-cookie': sessionCookie(req, sid, SESSION_S), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
        res.end();
      },
    },
    route({
      method: 'POST',
      path: '/console/session',
      responses: { 200: 'ConsoleSession' },
      body: tokenBody,
      async handle(req, res, _params, send) {
        const { token } = parseBody(tokenBody, await readJsonBody(req, 64 * 1024), 'login');
        const caller = d.auth.identify(token);
        const { sid, session } = d.sessions.open(caller.id);
        send(200, await describe(caller, session.csrf), { 'set-cookie': sessionCookie(req, sid, SESSION_S), 'cache-control': 'no-store' });
      },
    }),
    route({
      method: 'GET',
      path: '/console/session',
      responses: { 200: 'ConsoleSession' },
      async handle(req, res, _params, send) {
        const sid = cookieOf(req, SESSION_COOKIE);
        const session = sid ? d.sessions.find(sid) : undefined;
        if (!session) throw new HttpError(401, 'not logged in');
        send(200, await describe(d.auth.authenticate(req), session.csrf, session.oidc?.name), { 'cache-control': 'no-store' });
      },
    }),
    route({
      method: 'DELETE',
      path: '/console/session',
      responses: { 200: 'LoggedOut' },
      async handle(req, res, _params, send) {
        const sid = cookieOf(req, SESSION_COOKIE);
        // Logging out needs no check of earlier logouts (it may be one again): the seal, the expiry and the CSRF token.
        const session = sid ? d.sessions.peek(sid) : undefined;
        if (!sid || !session) throw new HttpError(401, 'not logged in');
        if (!csrfMatches(session, req.headers[CSRF_HEADER])) throw new HttpError(403, `logging out from the console needs the session's CSRF token in ${CSRF_HEADER}`);
        const clear = { 'set-cookie': sessionCookie(req, '', 0) };
        try {
          await d.sessions.close(sid);
        } catch (err) {
          // This browser forgets the cookie and this server refuses it; other servers would not know: say so, never "logged out".
          throw new HttpError(503, `the logout could not be recorded in Temporal, so other servers still accept this session until it expires: ${(err as Error).message}`, undefined, clear);
        }
        send(200, { loggedOut: true }, clear);
      },
    }),
  ];
}
