import type { IncomingMessage } from 'node:http';
import type { OidcSettings } from '../../config/oidc.js';
import { HttpError } from '../http-json.js';
import { route, type Route } from '../router.js';
import type { Person } from '../../contracts/directory.js';
import type { OidcClient } from './oidc.js';
import { cookieOf, overTls, sessionCookie, type ConsoleSessions } from './sessions.js';

/** The browser's handle on its login in progress: SameSite=Lax, as the provider's redirect back is a cross-site navigation (a Strict cookie would not come with it). */
const PENDING_COOKIE = 'warden_oidc';
const SESSION_S = 8 * 3600;

const pendingCookie = (req: IncomingMessage, value: string, maxAgeS: number): string =>
  [`${PENDING_COOKIE}=${value}`, 'Path=/console/oidc', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeS}`, ...(overTls(req) ? ['Secure'] : [])].join('; ');

export interface OidcRouteDeps {
  /** The OIDC settings in effect; undefined when console.oidc is not configured. */
  readonly settings: () => OidcSettings | undefined;
  readonly client: OidcClient;
  readonly sessions: ConsoleSessions;
  /** The directory person with this email (config/person-of.ts personWithEmail), or undefined. */
  readonly personWithEmail: (email: string) => Promise<Person | undefined>;
}

/**
 * The console's single sign-on (authorization code with PKCE):
 *   GET /console/login-methods     which ways to log in this server offers (public: the login page asks)
 *   GET /console/oidc/login        303 to the provider, with a one-use handle cookie for this browser
 *   GET /console/oidc/callback     the provider's answer → the session cookie (HttpOnly, SameSite=Strict), 303 to /console/
 * A callback without this browser's handle, with another state, nonce or issuer, or whose verified
 * email is no person of the directory, is refused and opens no session. The session acts as that
 * person (its id is the actor of votes and records), with the roles the ID token's claims map to.
 */
export function oidcRoutes(d: OidcRouteDeps): Route[] {
  const configured = (): OidcSettings => {
    const s = d.settings();
    if (!s)
      throw new HttpError(
        404,
        'single sign-on (OIDC) is not configured on this server: log in with the one-time link `warden start` printed, or an API token (console.oidc in warden.yaml turns it on)',
      );
    return s;
  };
  return [
    route({
      method: 'GET',
      path: '/console/login-methods',
      responses: { 200: 'LoginMethods' },
      async handle(_req, res, _params, send) {
        const s = d.settings();
        send(200, { oidc: s ? { issuer: new URL(s.issuer).host } : null, loginLink: true, token: true }, { 'cache-control': 'no-store' });
      },
    }),
    {
      method: 'GET',
      path: '/console/oidc/login',
      async handle(req, res) {
        const { url, handle } = await d.client.start(configured());
        res.writeHead(303, { location: url, 'set-cookie': pendingCookie(req, handle, 600), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
        res.end();
      },
    },
    {
      method: 'GET',
      path: '/console/oidc/callback',
      async handle(req, res) {
        const settings = configured();
        const query = new URL(req.url ?? '/', 'http://localhost').search;
        const clear = pendingCookie(req, '', 0);
        let sid;
        try {
          const login = await d.client.finish(settings, cookieOf(req, PENDING_COOKIE), query);
          const person = await d.personWithEmail(login.email);
          if (!person) throw new HttpError(403, `login refused: ${login.email} is no person of the directory (people: in warden.yaml)`);
          ({ sid } = d.sessions.open(person.id, { roles: login.roles, groups: login.groups, name: login.name ?? person.name }));
        } catch (err) {
          if (err instanceof HttpError) throw new HttpError(err.status, err.message, err.details, { ...err.headers, 'set-cookie': clear });
          throw err;
        }
        res.writeHead(303, { location: '/console/', 'set-cookie': [sessionCookie(req, sid, SESSION_S), clear], 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
        res.end();
      },
    },
  ];
}
