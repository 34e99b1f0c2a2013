/**
 * The console's sessions (issue #17): a one-time login link or an API token becomes an HttpOnly,
 * SameSite=Strict cookie (Secure under TLS); a session acts with its identity's roles on the same
 * API routes, and a change made with it needs its CSRF token. The attacks: a cross-site POST that
 * carries the cookie but not the token (403, nothing done), a wrong token, a reused or expired
 * link, an unknown cookie, and a viewer's session with the right token (403 from RBAC).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityConfig } from '../../config/file-config.js';
import { listen } from '../../server/app.js';
import { createApiAuth } from '../../server/auth/api-auth.js';
import { consoleSessionRoutes } from '../../server/console/routes.js';
import { createConsoleSessions, sessionCookie } from '../../server/console/sessions.js';
import { consoleStaticRoutes } from '../../server/console/static.js';
import { sendJson } from '../../server/http-json.js';
import { createRouter, type Route } from '../../server/router.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const TOKENS = { olga: 'tok-session-olga-0123456789', vera: 'tok-session-vera-0123456789' };
const identities: IdentityConfig[] = [
  { id: 'olga', roles: ['responder'], groups: ['security-oncall'], tokens: [{ sha256: sha(TOKENS.olga) }] },
  { id: 'vera', roles: ['viewer'], groups: [], tokens: [{ sha256: sha(TOKENS.vera) }] },
];
let now = Date.parse('2026-01-01T00:00:00Z');
const sessions = createConsoleSessions({ secret: 'console-session-test-secret-0123456789ab', now: () => now });
const auth = createApiAuth(identities, undefined, sessions);
/** What a change route does once authorized: counts, so an attack can show that nothing happened. */
const done: string[] = [];
const change: Route = {
  method: 'POST',
  path: '/v1/incidents/:id/notes',
  async handle(req, res, params) {
    const caller = auth.authorize(req, 'responder', 'write notes');
    done.push(`${caller.id} ${params.id}`);
    sendJson(res, 200, { by: caller.id });
  },
};
const read: Route = { method: 'GET', path: '/v1/whoami', handle: async (req, res) => sendJson(res, 200, { id: auth.authenticate(req).id }) };
const dist = mkdtempSync(join(tmpdir(), 'warden-console-dist-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Warden console</title>');
writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log(1)');
let server: Server;
let url = '';
beforeAll(async () => {
  const router = createRouter([change, read, ...consoleSessionRoutes({ auth, sessions }), ...consoleStaticRoutes(dist)], () => undefined);
  server = createServer((req, res) => void router(req, res));
  url = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
});
afterAll(() => server?.close());

const cookieOf = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0]!;
async function login(token: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const res = await fetch(`${url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { csrf: string };
  return { cookie: cookieOf(res), csrf: body.csrf, setCookie: res.headers.get('set-cookie') ?? '' };
}
const postNote = (headers: Record<string, string>) => fetch(`${url}/v1/incidents/inc-1/notes`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

describe('console sessions', () => {
  it('exchanges an API token for an HttpOnly, SameSite=Strict cookie (no Secure over plain HTTP), and the session reads as its identity', async () => {
    const { cookie, csrf, setCookie } = await login(TOKENS.olga);
    expect(setCookie).toMatch(/^warden_session=[A-Za-z0-9_-]{200,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await fetch(`${url}/console/session`, { headers: { cookie } });
    expect(await me.json()).toEqual({ id: 'olga', roles: ['responder'], groups: ['security-oncall'], csrf });
    expect(await (await fetch(`${url}/v1/whoami`, { headers: { cookie } })).json()).toEqual({ id: 'olga' });
    // A wrong token is 401, a bad body 400 naming the field.
    expect((await fetch(`${url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'nope' }) })).status).toBe(401);
    const bad = await fetch(`${url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 1 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: { path: string }[] }).details[0]!.path).toBe('token');
  });

  it('sets Secure when the request came over TLS', () => {
    const overTls = { socket: { encrypted: true }, headers: {} } as unknown as IncomingMessage;
    const plain = { socket: {}, headers: {} } as unknown as IncomingMessage;
    expect(sessionCookie(overTls, 'sid', 60)).toBe('warden_session=sid; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure');
    expect(sessionCookie(plain, 'sid', 60)).not.toContain('Secure');
  });

  it('refuses a cross-site POST that carries the cookie but not the CSRF token (403), and a wrong token; nothing is done', async () => {
    const { cookie, csrf } = await login(TOKENS.olga);
    const forged = await postNote({ cookie, origin: 'http://evil.example' });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: string }).error).toBe('a change from a console session needs its CSRF token in x-csrf-token');
    expect((await postNote({ cookie, 'x-csrf-token': 'A'.repeat(43) })).status).toBe(403);
    expect((await postNote({ cookie, 'x-csrf-token': csrf.slice(1) })).status).toBe(403);
    // Another session's token is not this one's.
    const other = await login(TOKENS.olga);
    expect((await postNote({ cookie, 'x-csrf-token': other.csrf })).status).toBe(403);
    expect(done).toEqual([]);
    const ok = await postNote({ cookie, 'x-csrf-token': csrf });
    expect(ok.status).toBe(200);
    expect(done).toEqual(['olga inc-1']);
  });

  it("a viewer's session with its CSRF token is still refused a change (403 from the same RBAC)", async () => {
    const { cookie, csrf } = await login(TOKENS.vera);
    const res = await postNote({ cookie, 'x-csrf-token': csrf });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/^vera may not write notes: needs role responder/);
    expect(done).toEqual(['olga inc-1']);
  });

  it('a one-time link logs in once, redirecting to the console; reused, expired or unknown it is 401', async () => {
    const code = sessions.issueLoginCode('olga');
    const first = await fetch(`${url}/console/login?code=${code}`, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/console/');
    expect(first.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await (await fetch(`${url}/console/session`, { headers: { cookie: cookieOf(first) } })).json()) as { id: string }).toMatchObject({ id: 'olga' });
    expect((await fetch(`${url}/console/login?code=${code}`, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${url}/console/login?code=guess`, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${url}/console/login`, { redirect: 'manual' })).status).toBe(401);
    const late = sessions.issueLoginCode('olga');
    now += 16 * 60_000;
    expect((await fetch(`${url}/console/login?code=${late}`, { redirect: 'manual' })).status).toBe(401);
  });

  it('an unknown or expired session cookie is 401; logging out needs the CSRF token and ends the session', async () => {
    expect((await fetch(`${url}/v1/whoami`, { headers: { cookie: 'warden_session=forged' } })).status).toBe(401);
    const { cookie, csrf } = await login(TOKENS.olga);
    expect((await fetch(`${url}/console/session`, { method: 'DELETE', headers: { cookie } })).status).toBe(403);
    const out = await fetch(`${url}/console/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^warden_session=; .*Max-Age=0/);
    expect((await fetch(`${url}/v1/whoami`, { headers: { cookie } })).status).toBe(401);
    const expiring = await login(TOKENS.olga);
    now += 8 * 3600_000 + 1;
    expect((await fetch(`${url}/v1/whoami`, { headers: { cookie: expiring.cookie } })).status).toBe(401);
  });

  it('a bearer token still works as before, and a request with both uses the bearer (no CSRF needed: no browser sends it by itself)', async () => {
    const res = await postNote({ authorization: `Bearer ${TOKENS.olga}` });
    expect(res.status).toBe(200);
  });
});

describe('GET /console', () => {
  it('serves the built page and its assets under a same-origin CSP; nothing outside the folder', async () => {
    const page = await fetch(`${url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self';.*frame-ancestors 'none'/);
    expect(await page.text()).toContain('<title>Warden console</title>');
    expect((await fetch(`${url}/console`)).status).toBe(200);
    const js = await fetch(`${url}/console/assets/app-1.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const path of ['/console/assets/..%2Findex.html', '/console/assets/..%2F..%2F..%2Fpackage.json', '/console/assets/.hidden', '/console/assets/none.js']) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(404);
    }
  });

  it('answers 503 naming the fix when the console was not built', async () => {
    const router = createRouter(consoleStaticRoutes(join(dist, 'missing')), () => undefined);
    const bare = createServer((req, res) => void router(req, res));
    const port = await listen(bare, '127.0.0.1', 0);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/console/`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toMatch(/the console is not built .*: run npm run build$/);
    } finally {
      bare.close();
    }
  });
});
