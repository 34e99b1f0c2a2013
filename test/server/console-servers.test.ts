/**
 * Console sessions outlive one server (issue #17): several servers behind one address share
 * WARDEN_SESSION_SECRET and nothing else. A login started on one server finishes on another; a
 * session opened on one acts on another; a logout taken by one is refused by the others, through
 * the record it leaves in Temporal. A server with another secret honours none of them, and a
 * logout that Temporal did not take is answered 503, never "logged out".
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityConfig } from '../../config/file-config.js';
import { createConfigDirectory } from '../../config/config-directory.js';
import type { OidcSettings } from '../../config/oidc.js';
import { personWithEmail } from '../../config/person-of.js';
import { CONSOLE_LOGOUT_WORKFLOW_TYPE } from '../../contracts/console-logout.js';
import { listen } from '../../server/app.js';
import { createApiAuth } from '../../server/auth/api-auth.js';
import { temporalLogouts, type SessionLogouts } from '../../server/console/logouts.js';
import { createOidcClient } from '../../server/console/oidc.js';
import { oidcRoutes } from '../../server/console/oidc-routes.js';
import { consoleSessionRoutes } from '../../server/console/routes.js';
import { CSRF_HEADER, createConsoleSessions, type ConsoleSessions } from '../../server/console/sessions.js';
import { sendJson } from '../../server/http-json.js';
import { createRouter } from '../../server/router.js';
import { startWorker, type TestWorker } from '../harness.js';
import { terminateAllOn } from '../helpers/warden-server.js';
import { Browser, startTestIdp, testOidcSettings, type TestIdp } from '../helpers/oidc-idp.js';

const SECRET = 'two-servers-one-session-secret-0123456789';
const TOKEN = 'tok-console-servers-olga-0123456789';
const identities: IdentityConfig[] = [{ id: 'olga', roles: ['responder'], groups: [], tokens: [{ sha256: createHash('sha256').update(TOKEN).digest('hex') }] }];
const directory = createConfigDirectory([{ id: 'ada', name: 'Ada', email: 'ada@example.com', aws: [], groups: [], roles: [] }]);

interface Warden {
  readonly url: string;
  readonly sessions: ConsoleSessions;
  readonly logouts: SessionLogouts;
  readonly server: Server;
}
let worker: TestWorker;
let idp: TestIdp;
let settings: OidcSettings | undefined;
const servers: Warden[] = [];
const done: string[] = [];

/** One Warden server: the console's routes and one change, with its own memory; only the secret (and Temporal) is shared. */
async function warden(secret: string, logouts: SessionLogouts): Promise<Warden> {
  const sessions = createConsoleSessions({ secret, logouts });
  const auth = createApiAuth(identities, undefined, sessions);
  const router = createRouter(
    [
      {
        method: 'POST',
        path: '/v1/notes',
        async handle(req, res) {
          const caller = auth.authorize(req, 'responder', 'write notes');
          done.push(caller.id);
          sendJson(res, 200, { by: caller.id });
        },
      },
      ...consoleSessionRoutes({ auth, sessions }),
      ...oidcRoutes({ settings: () => settings, client: createOidcClient({ secret }), sessions, personWithEmail: (e) => personWithEmail(directory, e) }),
    ],
    () => undefined,
  );
  const server = createServer((req, res) => void router(req, res));
  const w = { url: `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`, sessions, logouts, server };
  servers.push(w);
  return w;
}

let a: Warden;
let b: Warden;
let elsewhere: Warden;
beforeAll(async () => {
  worker = await startWorker(undefined, { name: 'console-servers' });
  // Each server reads the logouts itself; the tests refresh them rather than wait for the 5-second tick.
  const logouts = () => temporalLogouts(worker.client, worker.taskQueue, 60_000);
  a = await warden(SECRET, logouts());
  b = await warden(SECRET, logouts());
  elsewhere = await warden('another-deployment-secret-0123456789abcd', logouts());
  // A server answers session requests once it has read the logouts (503 before: it could not tell a closed session).
  await Promise.all([a, b, elsewhere].map((w) => w.logouts.refresh()));
  // The provider sends every login back to B's address, wherever it started (a load balancer would pick either).
  const redirectUri = `${b.url}/console/oidc/callback`;
  const client = { clientId: 'warden', clientSecret: 'warden-secret-0123456789abcdef', redirectUri };
  idp = await startTestIdp({ 'sub-ada': { email: 'ada@example.com', email_verified: true, groups: ['warden-responders'] } }, [client]);
  settings = testOidcSettings(idp, client, { 'warden-responders': ['responder'] });
});
afterAll(async () => {
  for (const s of servers) {
    s.server.close();
    s.logouts.stop();
  }
  await idp?.close();
  if (worker) {
    await terminateAllOn(worker.client, worker.taskQueue);
    await worker.shutdown();
  }
});

/** The cookie a browser keeps for one server, given to another (one address in front of both would send it to either). */
function carry(browser: Browser, name: string, from: Warden, to: Warden): void {
  browser.setCookie(to.url, name, browser.cookie(from.url, name)!);
}

describe('console sessions across servers', () => {
  it('finishes on B an OIDC login started on A, and the session acts on A; a server with another secret honours neither', async () => {
    const browser = new Browser();
    const started = await browser.get(`${a.url}/console/oidc/login`);
    expect(started.status).toBe(303);
    idp.loginAs = 'sub-ada';
    const callback = await new Browser().followUntil(started.headers.get('location')!, `${b.url}/console/oidc/callback`);
    const stranger = new Browser();
    stranger.setCookie(elsewhere.url, 'warden_oidc', browser.cookie(a.url, 'warden_oidc')!);
    expect((await stranger.get(callback.replace(b.url, elsewhere.url))).status).toBe(400); // another deployment's login is none of its own
    carry(browser, 'warden_oidc', a, b);
    const finished = await browser.get(callback);
    expect(finished.status).toBe(303);
    carry(browser, 'warden_session', b, a);
    const me = await browser.get(`${a.url}/console/session`);
    expect(me.status).toBe(200);
    const { csrf, id } = (await me.json()) as { csrf: string; id: string };
    expect(id).toBe('ada');
    expect(await (await browser.get(`${a.url}/v1/notes`, { method: 'POST', headers: { [CSRF_HEADER]: csrf } })).json()).toEqual({ by: 'ada' });
    carry(browser, 'warden_session', b, elsewhere);
    expect((await browser.get(`${elsewhere.url}/console/session`)).status).toBe(401);
  });

  it('refuses on A a session logged out on B, through the logout recorded in Temporal; the record names a digest, not the session', async () => {
    const browser = new Browser();
    const login = await browser.get(`${a.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
    const { csrf } = (await login.json()) as { csrf: string };
    const sid = browser.cookie(a.url, 'warden_session')!;
    const session = a.sessions.find(sid)!;
    carry(browser, 'warden_session', a, b);
    expect((await browser.get(`${b.url}/v1/notes`, { method: 'POST', headers: { [CSRF_HEADER]: csrf } })).status).toBe(200);

    const out = await browser.get(`${b.url}/console/session`, { method: 'DELETE', headers: { [CSRF_HEADER]: csrf } });
    expect(out.status).toBe(200);
    expect(browser.cookie(b.url, 'warden_session')).toBeUndefined();
    const replay = { cookie: `warden_session=${sid}`, [CSRF_HEADER]: csrf };
    expect((await fetch(`${b.url}/v1/notes`, { method: 'POST', headers: replay })).status).toBe(401); // B: at once
    await expect.poll(async () => (await a.logouts.refresh(), (await fetch(`${a.url}/v1/notes`, { method: 'POST', headers: replay })).status), { timeout: 20_000, interval: 250 }).toBe(401); // A: from Temporal
    const { length } = done;
    expect((await fetch(`${a.url}/console/session`, { headers: replay })).status).toBe(401);
    expect(done).toHaveLength(length);

    const recorded: string[] = [];
    for await (const wf of worker.client.workflow.list({ query: `WorkflowType = '${CONSOLE_LOGOUT_WORKFLOW_TYPE}' AND TaskQueue = '${worker.taskQueue}'` })) recorded.push(wf.workflowId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).not.toContain(session.id);
    // Its timer is the session's remaining life (8 h) and a margin for servers whose clock is behind Temporal's.
    const timer = async () => (await worker.client.workflow.getHandle(recorded[0]!).fetchHistory()).events?.find((e) => e.timerStartedEventAttributes)?.timerStartedEventAttributes;
    await expect.poll(timer, { timeout: 20_000 }).toBeDefined();
    expect(Number((await timer())!.startToFireTimeout!.seconds)).toBeGreaterThan(8 * 3600 + 9 * 60);
  });

  it('answers 503 when Temporal does not take the logout: the browser forgets the cookie and this server refuses it, but it is never called logged out; a server that cannot read the logouts refuses every session (503)', async () => {
    const unreachable = new Client({ connection: worker.client.connection, namespace: 'warden-no-such-namespace' });
    const lone = await warden(SECRET, temporalLogouts(unreachable, worker.taskQueue, 60_000));
    const browser = new Browser();
    const login = await browser.get(`${lone.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
    const { csrf } = (await login.json()) as { csrf: string };
    const sid = browser.cookie(lone.url, 'warden_session')!;
    const out = await browser.get(`${lone.url}/console/session`, { method: 'DELETE', headers: { [CSRF_HEADER]: csrf } });
    expect(out.status).toBe(503);
    expect(((await out.json()) as { error: string }).error).toMatch(/could not be recorded in Temporal, so other servers still accept this session/);
    expect(browser.cookie(lone.url, 'warden_session')).toBeUndefined();
    expect((await fetch(`${lone.url}/console/session`, { headers: { cookie: `warden_session=${sid}` } })).status).toBe(401);
    expect((await fetch(`${a.url}/console/session`, { headers: { cookie: `warden_session=${sid}` } })).status).toBe(200); // as the 503 said
    // Another session, never logged out: this server cannot tell, so it refuses it rather than guess.
    const other = new Browser();
    await other.get(`${lone.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
    const unsure = await other.get(`${lone.url}/console/session`);
    expect(unsure.status).toBe(503);
    expect(((await unsure.json()) as { error: string }).error).toMatch(/has not read the logouts from Temporal since this server started/);
    expect((await fetch(`${lone.url}/v1/notes`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200); // an API token is not a session
  });
});
