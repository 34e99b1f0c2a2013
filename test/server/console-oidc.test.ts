/**
 * The console's single sign-on (issue #17): authorization code with PKCE through openid-client,
 * against a real OpenID provider (oidc-provider, in this process on 127.0.0.1). A login opens a
 * session only for a verified ID token of this client and issuer, with this browser's state and
 * nonce, whose email is a person of the directory. Each attack below is made, and refused with no
 * session opened: a wrong state, a replayed code, a wrong nonce, a code of another client, a code
 * of another issuer, an unknown subject, an expired session, a session reused after logout.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleFileSchema, loadOidcSettings, type OidcSettings } from '../../config/oidc.js';
import { createConfigDirectory } from '../../config/config-directory.js';
import { loadWardenConfig } from '../../config/load.js';
import { personWithEmail } from '../../config/person-of.js';
import type { Person } from '../../contracts/directory.js';
import { listen } from '../../server/app.js';
import { createApiAuth } from '../../server/auth/api-auth.js';
import { createOidcClient } from '../../server/console/oidc.js';
import { oidcRoutes } from '../../server/console/oidc-routes.js';
import { consoleSessionRoutes } from '../../server/console/routes.js';
import { CSRF_HEADER, createConsoleSessions } from '../../server/console/sessions.js';
import { sendJson } from '../../server/http-json.js';
import { createRouter, type Route } from '../../server/router.js';
import { Browser, startTestIdp, testOidcSettings, type TestIdp } from '../helpers/oidc-idp.js';

const person = (id: string, email: string): Person => ({ id, name: id, email, aws: [], groups: [], roles: [] });
const directory = createConfigDirectory([person('ada', 'ada@example.com'), person('gus', 'gus@example.com')]);
const ACCOUNTS = {
  'sub-ada': { email: 'Ada@example.com', email_verified: true, name: 'Ada L.', groups: ['warden-responders', 'security-oncall'] },
  'sub-mallory': { email: 'mallory@elsewhere.example', email_verified: true, groups: ['warden-responders'] },
  'sub-gus': { email: 'gus@example.com', email_verified: true, groups: ['marketing'] },
  'sub-unverified': { email: 'ada@example.com', email_verified: false, groups: ['warden-responders'] },
};
let now = Date.now();
const SECRET = 'console-oidc-test-session-secret-0123456789';
const sessions = createConsoleSessions({ secret: SECRET, now: () => now });
const auth = createApiAuth([], undefined, sessions);
const done: string[] = [];
const change: Route = {
  method: 'POST',
  path: '/v1/notes',
  async handle(req, res) {
    const caller = auth.authorize(req, 'responder', 'write notes');
    done.push(caller.id);
    sendJson(res, 200, { by: caller.id });
  },
};
let warden: Server;
let url = '';
let idp: TestIdp;
let otherIdp: TestIdp;
let settings: OidcSettings | undefined;

beforeAll(async () => {
  const routes = [
    change,
    ...consoleSessionRoutes({ auth, sessions }),
    ...oidcRoutes({ settings: () => settings, client: createOidcClient({ secret: SECRET, now: () => now }), sessions, personWithEmail: (e) => personWithEmail(directory, e) }),
  ];
  const router = createRouter(routes, () => undefined);
  warden = createServer((req, res) => void router(req, res));
  url = `http://127.0.0.1:${await listen(warden, '127.0.0.1', 0)}`;
  const redirectUri = `${url}/console/oidc/callback`;
  const clients = [
    { clientId: 'warden', clientSecret: 'warden-secret-0123456789abcdef', redirectUri },
    { clientId: 'other-app', clientSecret: 'other-secret-0123456789abcdef', redirectUri },
  ];
  idp = await startTestIdp(ACCOUNTS, clients);
  otherIdp = await startTestIdp(ACCOUNTS, clients);
  settings = testOidcSettings(idp, clients[0]!, { 'warden-responders': ['responder'] });
});
afterAll(async () => {
  warden?.close();
  await idp?.close();
  await otherIdp?.close();
});

/** Starts a login at Warden: the provider's authorization URL (this browser now holds its handle cookie). */
async function start(b: Browser): Promise<URL> {
  const res = await b.get(`${url}/console/oidc/login`);
  expect(res.status).toBe(303);
  expect(res.headers.get('set-cookie')).toMatch(/^warden_oidc=[A-Za-z0-9_-]{200,}; Path=\/console\/oidc; HttpOnly; SameSite=Lax; Max-Age=600$/);
  const at = new URL(res.headers.get('location')!);
  expect(at.origin).toBe(idp.issuer);
  expect(at.searchParams.get('code_challenge_method')).toBe('S256');
  for (const p of ['state', 'nonce', 'code_challenge']) expect(at.searchParams.get(p)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return at;
}
/** Logs `who` in at the provider of `authUrl` (another browser: the provider's cookies are not Warden's): the callback URL it sends back. */
async function authorize(authUrl: URL, who: string, provider = idp): Promise<URL> {
  provider.loginAs = who;
  return new URL(await new Browser().followUntil(authUrl.href, `${url}/console/oidc/callback`));
}
async function callback(b: Browser, cb: URL): Promise<{ status: number; error?: string; session?: string }> {
  const res = await b.get(cb.href);
  const session = res.headers.getSetCookie().find((c) => c.startsWith('warden_session='));
  const error = res.status === 303 ? undefined : ((await res.json()) as { error: string }).error;
  if (res.status === 303) expect(res.headers.get('location')).toBe('/console/');
  return { status: res.status, ...(error ? { error } : {}), ...(session ? { session } : {}) };
}
async function login(who: string): Promise<Browser> {
  const b = new Browser();
  const r = await callback(b, await authorize(await start(b), who));
  expect(r.status).toBe(303);
  return b;
}
const me = (b: Browser) => b.get(`${url}/console/session`);

describe('console login by OIDC', () => {
  it('logs a directory person in: a Strict HttpOnly session acting as that person, with the roles the groups claim maps to', async () => {
    const b = new Browser();
    const cb = await authorize(await start(b), 'sub-ada');
    expect(cb.searchParams.get('iss')).toBe(idp.issuer);
    const r = await callback(b, cb);
    expect(r.session).toMatch(/^warden_session=[A-Za-z0-9_-]{200,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    expect(b.cookie(url, 'warden_oidc')).toBeUndefined(); // the handle is cleared
    const who = (await (await me(b)).json()) as { id: string; roles: string[]; groups: string[]; csrf: string };
    expect(who).toMatchObject({ id: 'ada', name: 'Ada L.', roles: ['responder'], groups: ['warden-responders', 'security-oncall'] });
    const res = await b.get(`${url}/v1/notes`, { method: 'POST', headers: { [CSRF_HEADER]: who.csrf } });
    expect(await res.json()).toEqual({ by: 'ada' });
    expect(done).toContain('ada');
  });

  it('refuses a callback whose state is not this browser’s', async () => {
    const b = new Browser();
    const cb = await authorize(await start(b), 'sub-ada');
    const right = cb.href;
    cb.searchParams.set('state', 'x'.repeat(43));
    const r = await callback(b, cb);
    expect(r.status).toBe(401);
    expect(r.error).toMatch(/state/i);
    expect(r.session).toBeUndefined();
    // The handle was spent by the refusal: the right state cannot follow.
    expect((await callback(b, new URL(right))).status).toBe(400);
  });

  it('refuses a callback in a browser that started no login (login CSRF), and one after the login expired', async () => {
    const cb = await authorize(await start(new Browser()), 'sub-ada');
    const stranger = await callback(new Browser(), cb);
    expect(stranger.status).toBe(400);
    expect(stranger.error).toMatch(/no console login in progress/);
    const b = new Browser();
    const late = await authorize(await start(b), 'sub-ada');
    now += 11 * 60_000;
    expect((await callback(b, late)).status).toBe(400);
  });

  it('refuses a replayed code: in the same browser, and injected into another login', async () => {
    const b = new Browser();
    const cb = await authorize(await start(b), 'sub-ada');
    expect((await callback(b, cb)).status).toBe(303);
    expect((await callback(b, cb)).status).toBe(400); // the handle is one use
    const victim = new Browser();
    const fresh = await start(victim);
    const injected = new URL(cb);
    injected.searchParams.set('state', fresh.searchParams.get('state')!);
    const r = await callback(victim, injected);
    expect(r.status).toBe(401); // the provider refuses the spent code (and the other login's PKCE verifier)
    expect(r.session).toBeUndefined();
  });

  it('keeps no login in progress on the server: after a flood of starts the first still finishes, once; a changed handle or another secret’s is refused', async () => {
    const client = createOidcClient({ secret: SECRET, now: () => now, maxSpent: 3 });
    const first = await client.start(settings!);
    for (let i = 0; i < 1000; i++) await client.start(settings!); // the flood: nothing of it is held
    const cb = await authorize(new URL(first.url), 'sub-ada');
    const at = 60;
    const changed = `${first.handle.slice(0, at)}${first.handle[at] === 'A' ? 'B' : 'A'}${first.handle.slice(at + 1)}`;
    await expect(client.finish(settings!, changed, cb.search)).rejects.toMatchObject({ status: 400 });
    const elsewhere = createOidcClient({ secret: 'another-deployment-session-secret-0123456789', now: () => now });
    await expect(elsewhere.finish(settings!, first.handle, cb.search)).rejects.toMatchObject({ status: 400 });
    await expect(client.finish(settings!, first.handle, cb.search)).resolves.toMatchObject({ email: 'Ada@example.com', roles: ['responder'] });
    await expect(client.finish(settings!, first.handle, cb.search)).rejects.toMatchObject({ status: 400 }); // spent here
    // A session cookie is no login handle, and a handle no session (each is sealed for its purpose).
    const { sid } = sessions.open('ada');
    await expect(client.finish(settings!, sid, cb.search)).rejects.toMatchObject({ status: 400 });
    expect(sessions.find(first.handle)).toBeUndefined();
  });

  it('refuses an ID token whose nonce is not the one this login sent', async () => {
    const b = new Browser();
    const at = await start(b);
    at.searchParams.set('nonce', 'n'.repeat(43));
    const r = await callback(b, await authorize(at, 'sub-ada'));
    expect(r.status).toBe(401);
    expect(r.error).toMatch(/nonce/);
    expect(r.session).toBeUndefined();
  });

  it('refuses a code issued to another client of the same provider', async () => {
    const b = new Browser();
    const at = await start(b);
    at.searchParams.set('client_id', 'other-app');
    const r = await callback(b, await authorize(at, 'sub-ada'));
    expect(r.status).toBe(401);
    expect(r.session).toBeUndefined();
  });

  it('refuses a code from another issuer: by its iss parameter, and at the token endpoint without it', async () => {
    for (const strip of [false, true]) {
      const b = new Browser();
      const at = await start(b);
      const elsewhere = new URL(`${otherIdp.issuer}/auth${at.search}`);
      const cb = await authorize(elsewhere, 'sub-ada', otherIdp);
      expect(cb.searchParams.get('iss')).toBe(otherIdp.issuer);
      if (strip) cb.searchParams.delete('iss');
      const r = await callback(b, cb);
      expect(r.status).toBe(401);
      expect(r.session).toBeUndefined();
      if (!strip) expect(r.error).toMatch(/iss/);
    }
  });

  it('refuses an unknown subject, an unverified email and a person whose groups map to no role', async () => {
    for (const [sub, status, said] of [
      ['sub-mallory', 403, /mallory@elsewhere.example is no person of the directory/],
      ['sub-unverified', 403, /not verified/],
      ['sub-gus', 403, /map to no Warden role/],
    ] as const) {
      const b = new Browser();
      const r = await callback(b, await authorize(await start(b), sub));
      expect(r.status).toBe(status);
      expect(r.error).toMatch(said);
      expect(r.session).toBeUndefined();
    }
  });

  it('refuses the session of a person an offboarding has revoked', async () => {
    const b = await login('sub-ada');
    const req = { method: 'GET', headers: { cookie: `warden_session=${b.cookie(url, 'warden_session')!}` } } as unknown as IncomingMessage;
    expect(auth.authenticate(req).id).toBe('ada');
    const offboarded = createApiAuth([], { revokedBy: (id) => (id === 'ada' ? 'ada' : undefined) }, sessions);
    expect(() => offboarded.authenticate(req)).toThrow(/the Warden access of ada was revoked by offboarding-ada/);
  });

  it('ends the session of a person no longer in the directory, and refuses a session too large for a browser’s cookie', async () => {
    const b = await login('sub-ada');
    const req = { method: 'GET', headers: { cookie: `warden_session=${b.cookie(url, 'warden_session')!}` } } as unknown as IncomingMessage;
    expect(createApiAuth([], undefined, sessions, new Set(['ada', 'gus'])).authenticate(req).id).toBe('ada');
    expect(() => createApiAuth([], undefined, sessions, new Set(['gus'])).authenticate(req)).toThrow(/ada is no longer a person of the directory/);
    const groups = Array.from({ length: 200 }, (_, i) => `entra-group-${String(i).padStart(3, '0')}-of-the-organization`);
    expect(() => sessions.open('ada', { roles: ['responder'], groups })).toThrow(/would be a \d+-byte cookie, over the 3800 a browser keeps \(200 groups\)/);
  });

  it('ends a session at its expiry and at logout: the cookie is refused afterwards', async () => {
    const b = await login('sub-ada');
    const { csrf } = (await (await me(b)).json()) as { csrf: string };
    const cookie = b.cookie(url, 'warden_session')!;
    expect((await b.get(`${url}/console/session`, { method: 'DELETE', headers: { [CSRF_HEADER]: csrf } })).status).toBe(200);
    const reuse = await fetch(`${url}/v1/notes`, { method: 'POST', headers: { cookie: `warden_session=${cookie}`, [CSRF_HEADER]: csrf } });
    expect(reuse.status).toBe(401);
    const later = await login('sub-ada');
    expect((await me(later)).status).toBe(200);
    now += 8 * 3600_000 + 1;
    expect((await me(later)).status).toBe(401);
    const { length } = done;
    expect((await later.get(`${url}/v1/notes`, { method: 'POST', headers: { [CSRF_HEADER]: csrf } })).status).toBe(401);
    expect(done).toHaveLength(length);
  });

  it('says which ways to log in there are, and 404 for OIDC when it is not configured', async () => {
    expect(await (await fetch(`${url}/console/login-methods`)).json()).toEqual({ oidc: { issuer: new URL(idp.issuer).host }, loginLink: true, token: true });
    const kept = settings;
    settings = undefined;
    try {
      expect((await fetch(`${url}/console/oidc/login`, { redirect: 'manual' })).status).toBe(404);
      expect(await (await fetch(`${url}/console/login-methods`)).json()).toMatchObject({ oidc: null });
    } finally {
      settings = kept;
    }
  });
});

describe('console.oidc settings', () => {
  const oidcFile = { issuer: 'https://idp.example.com', client_id: 'warden', redirect_uri: 'https://warden.example.com/console/oidc/callback', role_map: { admins: ['admin' as const] } };
  const parseOidc = (oidc: unknown) => consoleFileSchema.parse({ oidc });
  it('reads the issuer, client and role map from warden.yaml, the secret from the environment only', () => {
    const s = loadOidcSettings(parseOidc(oidcFile), { WARDEN_OIDC_CLIENT_SECRET: 's3cret-value' });
    expect(s).toMatchObject({ issuer: 'https://idp.example.com', clientId: 'warden', clientSecret: 's3cret-value', scopes: ['openid', 'email', 'profile'], rolesClaim: 'groups', emailClaim: 'email' });
    expect(loadOidcSettings(consoleFileSchema.parse({}), {})).toBeUndefined();
  });
  it('is loaded with the rest of warden.yaml, and the example in warden.example.yaml is valid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-oidc-config-'));
    writeFileSync(join(dir, 'warden.yaml'), stringify({ console: { oidc: oidcFile } }));
    expect(loadWardenConfig({ WARDEN_CONFIG: join(dir, 'warden.yaml'), WARDEN_OIDC_CLIENT_SECRET: 's3cret-value' }).oidc).toMatchObject({ clientId: 'warden', roleMap: { admins: ['admin'] } });
    expect(loadWardenConfig({ WARDEN_CONFIG: 'warden.example.yaml' }).oidc).toBeUndefined();
    const example = readFileSync('warden.example.yaml', 'utf8').split('\n');
    const block = example.slice(example.indexOf('# console:')).map((l) => l.replace(/^# ?/, ''));
    const parsed = consoleFileSchema.parse((parse(block.join('\n')) as { console: unknown }).console);
    expect(loadOidcSettings(parsed, { WARDEN_OIDC_CLIENT_SECRET: 'x' })?.roleMap).toMatchObject({ 'security-oncall': ['responder'] });
  });

  it('names each missing or unsafe piece', () => {
    expect(() => loadOidcSettings(parseOidc(oidcFile), {})).toThrow(/WARDEN_OIDC_CLIENT_SECRET: required/);
    expect(() => loadOidcSettings(parseOidc(oidcFile), { WARDEN_OIDC_CLIENT_SECRET: 'x', WARDEN_OIDC_ISSUER: 'http://idp.example.com' })).toThrow(/WARDEN_OIDC_ISSUER: .*must be https/);
    expect(consoleFileSchema.safeParse({ oidc: { ...oidcFile, issuer: 'http://idp.example.com' } }).error?.issues[0]).toMatchObject({ path: ['oidc', 'issuer'] });
    expect(consoleFileSchema.safeParse({ oidc: { ...oidcFile, redirect_uri: 'https://warden.example.com/elsewhere' } }).error?.issues[0]).toMatchObject({ path: ['oidc', 'redirect_uri'] });
    expect(consoleFileSchema.safeParse({ oidc: { ...oidcFile, role_map: { admins: ['root'] } } }).success).toBe(false);
  });
});
