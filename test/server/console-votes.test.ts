/**
 * A decision made in the console is recorded "via console", by the person the verified OIDC login
 * is (issue #17): the console is a view on the same API route and workflow Update as the CLI and
 * Slack, and the record says which path it took. The same person's API token records "via api".
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfigDirectory } from '../../config/config-directory.js';
import type { IdentityConfig } from '../../config/file-config.js';
import { personWithEmail } from '../../config/person-of.js';
import type { Person } from '../../contracts/directory.js';
import { reviewerStateQuery, reviewerWorkflowId, type ReviewerInput, type ReviewerItem } from '../../contracts/reviews.js';
import { listen } from '../../server/app.js';
import { createApiAuth } from '../../server/auth/api-auth.js';
import { createOidcClient } from '../../server/console/oidc.js';
import { oidcRoutes } from '../../server/console/oidc-routes.js';
import { consoleSessionRoutes } from '../../server/console/routes.js';
import { CSRF_HEADER, createConsoleSessions } from '../../server/console/sessions.js';
import { createRouter } from '../../server/router.js';
import { localEvidenceReader } from '../../server/routes/review-access.js';
import { reviewRoutes } from '../../server/routes/reviews.js';
import { startWorker, suiteClient, uniqueTaskQueue, type TestWorker } from '../harness.js';
import { reviewerOnlyActivities } from '../helpers/reviewer-stub.js';
import { loginThroughIdp, startTestIdp, testOidcSettings, type TestIdp } from '../helpers/oidc-idp.js';

const TOKEN = 'tok-votes-rita-0123456789';
const person = (id: string): Person => ({ id, name: id, email: `${id}@example.com`, aws: [], groups: [], roles: [] });
const directory = createConfigDirectory([person('rita'), person('manny'), person('sam')]);
const identities: IdentityConfig[] = [{ id: 'rita', roles: ['viewer'], groups: [], tokens: [{ sha256: createHash('sha256').update(TOKEN).digest('hex') }] }];
const ITEMS: ReviewerItem[] = [
  { id: 'aws:123456789012:sam:iam-group:admins', flagged: true, person: 'sam' },
  { id: 'github:acme:sam:github-team:ml', flagged: false, person: 'sam' },
];
const taskQueue = uniqueTaskQueue('console-votes');
const campaignId = `votes-${randomUUID().slice(0, 8)}`;
let client: Client;
let worker: TestWorker;
let server: Server;
let idp: TestIdp;
let url = '';
let handle: WorkflowHandle;

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  } catch {
    /* installed by another helper */
  }
  client = await suiteClient();
  const sessions = createConsoleSessions({ secret: 'console-votes-test-secret-0123456789abcd' });
  const auth = createApiAuth(identities, undefined, sessions);
  server = createServer();
  url = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
  const redirectUri = `${url}/console/oidc/callback`;
  const oidcClient = { clientId: 'warden', clientSecret: 'votes-secret-0123456789', redirectUri };
  idp = await startTestIdp({ 'sub-rita': { email: 'rita@example.com', email_verified: true, groups: ['reviewers'] } }, [oidcClient]);
  const settings = testOidcSettings(idp, oidcClient, { reviewers: ['viewer'] }, ['openid', 'email', 'groups']);
  const router = createRouter(
    [
      ...reviewRoutes({ client, auth, directory, identities, taskQueue, evidence: localEvidenceReader(mkdtempSync(join(tmpdir(), 'warden-votes-'))) }),
      ...consoleSessionRoutes({ auth, sessions }),
      ...oidcRoutes({ settings: () => settings, client: createOidcClient({ secret: 'console-votes-test-secret-0123456789abcd' }), sessions, personWithEmail: (e) => personWithEmail(directory, e) }),
    ],
    () => undefined,
  );
  server.on('request', (req, res) => void router(req, res));
  worker = await startWorker({ providers: {} }, { taskQueue, activities: () => reviewerOnlyActivities(ITEMS, 'manny') });
  const input: ReviewerInput = { campaignId, reviewer: 'rita', dryRun: true, deadline: new Date(Date.now() + 86_400_000).toISOString(), graceMs: 3_600_000, remindersMs: [], onSilence: 'keep' };
  handle = await client.workflow.start('reviewerWorkflow', { taskQueue, workflowId: reviewerWorkflowId(campaignId, 'rita'), args: [input] });
  for (let tries = 0; (await handle.query(reviewerStateQuery).catch(() => undefined))?.items.length !== 2; tries++) {
    if (tries > 150) throw new Error("rita's items never loaded");
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  await handle?.terminate('test done').catch(() => undefined);
  await worker?.shutdown();
  server?.close();
  await idp?.close();
  await client?.connection.close();
});

const decide = (headers: Record<string, string>, item: string, reason: string) =>
  fetch(`${url}/v1/reviews/${campaignId}/decisions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ decisions: [{ item, decision: 'keep', reason }] }),
  });

describe('votes cast in the console', () => {
  it('are recorded via console by the logged-in person; the same person’s API token records via api', async () => {
    const b = await loginThroughIdp(url, idp, 'sub-rita');
    const { csrf, id } = (await (await b.get(`${url}/console/session`)).json()) as { csrf: string; id: string };
    expect(id).toBe('rita');
    const cookie = `warden_session=${b.cookie(url, 'warden_session')!}`;
    // Without its CSRF token the session's change is refused, and nothing is recorded.
    expect((await decide({ cookie }, ITEMS[0]!.id, 'forged')).status).toBe(403);
    expect((await handle.query(reviewerStateQuery)).decisions).toEqual({});
    const viaConsole = await decide({ cookie, [CSRF_HEADER]: csrf }, ITEMS[0]!.id, 'still on call');
    expect(viaConsole.status).toBe(200);
    const viaApi = await decide({ authorization: `Bearer ${TOKEN}` }, ITEMS[1]!.id, 'needed');
    expect(viaApi.status).toBe(200);
    const { decisions } = await handle.query(reviewerStateQuery);
    expect(decisions[ITEMS[0]!.id]).toMatchObject({ decision: 'keep', by: 'rita', via: 'console', reason: 'still on call' });
    expect(decisions[ITEMS[1]!.id]).toMatchObject({ decision: 'keep', by: 'rita', via: 'api', reason: 'needed' });
  });
});
