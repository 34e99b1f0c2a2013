/**
 * The web console (issue #17) in a real browser: Playwright (playwright-core) driving headless
 * Chromium against the real stack — the server as `warden start` builds it, a worker on the
 * suite's dev server, moto for AWS IAM. People log in (a one-time link, an API token, or single
 * sign-on through a real OpenID provider in the test process), see an incident appear from a
 * posted alert, approve its destructive step as the second person and watch it become applied at
 * moto, decide a review item, and a viewer is refused every change.
 * axe-core finds no serious or critical violation on each main view; the screenshots are the
 * README's (docs/img/).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAccessKeysCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Client } from '@temporalio/client';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAuditStore } from '../../activities/providers/audit-store/local-audit-store.js';
import { createAwsIam } from '../../activities/providers/aws-iam/aws-iam.js';
import { loadAuditKey } from '../../config/audit-key.js';
import type { Directory, Person } from '../../contracts/directory.js';
import { incidentStateQuery } from '../../contracts/incident.js';
import { reviewCampaignWorkflowId, reviewerStateQuery, reviewerWorkflowId, type ReviewerInput, type ReviewerItem } from '../../contracts/reviews.js';
import { signedHeaders } from '../../server/auth/webhook-signature.js';
import { startWorker, suiteClient, uniqueTaskQueue, type TestWorker } from '../harness.js';
import { axeViolations, launchChromium, screenshot } from '../helpers/browser.js';
import { startPeers, type Peers } from '../helpers/incident.js';
import { startTestIdp, type TestIdp } from '../helpers/oidc-idp.js';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';
import { localEvidenceReader } from '../../server/routes/review-access.js';
import { MOTO_CREDENTIALS, motoClient, seedUser, startMoto, type MotoPeer } from '../peers/moto.js';
import { reviewerOnlyActivities } from '../helpers/reviewer-stub.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const TOKENS = { olga: 'tok-console-olga-0123456789', otto: 'tok-console-otto-0123456789', vera: 'tok-console-vera-0123456789', rita: 'tok-console-rita-0123456789' };
const ITEMS: ReviewerItem[] = [
  { id: 'aws:123456789012:sam:iam-group:admins', flagged: true, person: 'sam' },
  { id: 'github:acme:sam:github-team:ml', flagged: false, person: 'sam' },
];
const taskQueue = uniqueTaskQueue('console');
const dir = mkdtempSync(join(tmpdir(), 'warden-console-'));
const env = {
  WARDEN_STATE_DIR: join(dir, 'state'),
  WARDEN_CONFIG: join(dir, 'warden.yaml'),
  WARDEN_AUDIT: 'local',
  WARDEN_API_RATE_PER_MINUTE: '100000',
  WARDEN_OIDC_CLIENT_SECRET: 'console-e2e-oidc-secret-0123456789',
};
const CONFIG = [
  'identities:',
  `  - { id: olga, name: Olga, roles: [responder], groups: [security-oncall], tokens: [{ sha256: ${sha(TOKENS.olga)} }] }`,
  `  - { id: otto, name: Otto, roles: [responder], groups: [security-oncall], tokens: [{ sha256: ${sha(TOKENS.otto)} }] }`,
  `  - { id: vera, name: Vera, roles: [viewer], groups: [security-oncall], tokens: [{ sha256: ${sha(TOKENS.vera)} }] }`,
  `  - { id: rita, name: Rita, roles: [viewer], tokens: [{ sha256: ${sha(TOKENS.rita)} }] }`,
  'people:',
  '  - { id: rita, name: Rita, email: rita@example.com, manager: manny }',
  '  - { id: manny, name: Manny, email: manny@example.com }',
  '  - { id: sam, name: Sam, email: sam@example.com }',
].join('\n');
writeFileSync(env.WARDEN_CONFIG, CONFIG);

let client: Client;
let peers: Peers;
let moto: MotoPeer;
let iam: IAMClient;
let warden: WardenServer;
let worker: TestWorker;
let chrome: Awaited<ReturnType<typeof launchChromium>>;
let idp: TestIdp | undefined;
const contexts: BrowserContext[] = [];
const started: string[] = [];

beforeAll(async () => {
  client = await suiteClient();
  [peers, moto, chrome] = await Promise.all([startPeers(), startMoto(), launchChromium()]);
  iam = motoClient(moto.endpoint);
  // The server reads the evidence the worker writes: one store, as WARDEN_EVIDENCE_DIR (or S3) makes it in a deployment.
  warden = await startWardenServer(client, taskQueue, env, { readers: { evidence: localEvidenceReader(peers.evidenceDir) } });
  const dana: Person = { id: 'dana', name: 'Dana', email: 'dana@example.com', aws: [{ account: '123456789012', userName: 'dana-ml' }], groups: [], roles: [] };
  const directory: Directory = { findPerson: (id) => Promise.resolve(id === 'dana' ? dana : undefined), listPeople: () => Promise.resolve([dana]) };
  const audit = { store: createLocalAuditStore(join(env.WARDEN_STATE_DIR, 'audit')), secretKey: loadAuditKey(join(env.WARDEN_STATE_DIR, 'audit-signing-key')) };
  worker = await startWorker(
    { providers: { ...peers.deps, iam: createAwsIam({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }) }, directory, audit },
    {
      taskQueue,
      // The review's collection is a stand-in (Rita's two items); the decisions go through the real reviewer workflow and its Update.
      activities: () => reviewerOnlyActivities(ITEMS, 'manny'),
    },
  );
}, 180_000);
afterAll(async () => {
  for (const id of started)
    await client.workflow
      .getHandle(id)
      .terminate('test done')
      .catch(() => undefined);
  for (const c of contexts) await c.close().catch(() => undefined);
  await chrome?.close();
  await idp?.close();
  await worker?.shutdown();
  warden?.close();
  await moto?.stop();
  await peers?.close();
  await client?.connection.close();
});

/** A fresh browser context (its own cookies) with a page. */
async function newPage(): Promise<Page> {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

/** Logs in through the form with an API token. */
async function loginWithToken(page: Page, token: string): Promise<void> {
  await page.goto(`${warden.url}/console/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('whoami').waitFor();
}

async function expectAccessible(page: Page, view: string): Promise<void> {
  expect(await axeViolations(page), `axe on ${view}`).toEqual([]);
}

const keysOf = async (userName: string) => (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];

async function postLeak(accessKeyId: string, awsUser = 'dana-ml'): Promise<{ incidentId: string; workflowId: string }> {
  const body = JSON.stringify({
    type: 'credential.leaked',
    severity: 'high',
    title: 'AWS key committed to a public repository',
    source: 'github-secret-scanning',
    fingerprint: `console-${accessKeyId}`,
    principal: { user: 'dana', email: 'dana@example.com', aws_user: awsUser, aws_access_key_id: accessKeyId },
  });
  const path = '/v1/alerts?dry_run=false';
  const res = await fetch(`${warden.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(warden.secret('webhook'), { method: 'POST', path, body }) },
    body,
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { incidentId: string; workflowId: string };
}

describe('the web console in Chromium, against the real stack', () => {
  let incidentId = '';

  it('logs in with the one-time link (once), shows an incident appearing from a posted alert, and Otto approves its step as the second person: applied at moto', async () => {
    const user = await seedUser(iam, 'dana-ml', { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    const otto = await newPage();
    const link = `${warden.url}/console/login?code=${warden.api.consoleLoginCode('otto')!}`;
    await otto.goto(link);
    await expect.poll(() => otto.getByTestId('whoami').textContent()).toBe('Otto (responder)');
    expect(otto.url()).toBe(`${warden.url}/console/`);
    // The link works once: a second browser that opens it is not logged in.
    const again = await (await newPage()).goto(link);
    expect(again?.status()).toBe(401);

    const posted = await postLeak(user.accessKeys[0]!.accessKeyId);
    incidentId = posted.incidentId;
    started.push(posted.workflowId);
    // The list refreshes by itself: the new incident appears without a reload.
    await expect.poll(() => otto.locator(`[data-incident="${incidentId}"]`).count()).toBe(1);
    await screenshot(otto, 'console-incidents');
    await expectAccessible(otto, 'incidents');

    const handle = client.workflow.getHandle(posted.workflowId);
    await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.delete_key?.status, { timeout: 45_000 }).toBe('awaiting-approval');
    expect((await keysOf('dana-ml')).map((k) => k.Status)).toEqual(['Inactive']);
    // Olga approves first, through the API as the CLI does; one vote of two.
    const first = await fetch(`${warden.url}/v1/incidents/${incidentId}/approvals/delete_key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.olga}` },
      body: JSON.stringify({ decision: 'approve', reason: 'key confirmed leaked' }),
    });
    expect(first.status).toBe(200);

    // Otto's approvals show the exact plan and its digest.
    await otto.getByRole('link', { name: 'My approvals' }).click();
    const plan = otto.getByRole('list', { name: 'Plan of delete_key' });
    await expect.poll(() => plan.textContent()).toContain(`delete access key ${user.accessKeys[0]!.accessKeyId} of IAM user dana-ml`);
    const digest = (await handle.query(incidentStateQuery)).steps.delete_key!.approval!.planDigest!;
    await expect.poll(() => otto.getByText(digest).count()).toBe(1);
    await screenshot(otto, 'console-approvals');
    await expectAccessible(otto, 'my approvals');
    await otto.getByLabel('Reason for step delete_key').fill('confirmed with the owner');
    await otto.getByRole('button', { name: 'Approve step delete_key' }).click();
    // Said where it stays: the item leaves the list once decided, and its form with it.
    await expect.poll(() => otto.getByTestId('approvals-last').textContent()).toBe('recorded: approve (step delete_key)');

    // The incident's timeline: the step becomes applied, read back at moto, with both votes and why.
    await otto.goto(`${warden.url}/console/#/incidents/${incidentId}`);
    await expect.poll(() => otto.getByTestId('step-status-delete_key').textContent(), { timeout: 45_000 }).toBe('applied');
    expect(await keysOf('dana-ml')).toEqual([]);
    const step = otto.locator('[data-step="delete_key"]');
    expect(await step.textContent()).toContain('olga approve via api');
    expect(await step.textContent()).toContain('otto approve via console');
    expect(await step.textContent()).toContain('“confirmed with the owner”');
    expect(await otto.locator('[data-step="disable_key"] table.observed').textContent()).toMatch(/statusActiveInactive/);
    // Evidence downloads: the detection snapshot as its step stored it, with the session's cookie.
    const download = otto.getByRole('link', { name: 'Download the evidence snapshot_detection stored' });
    const evidence = await otto.request.get(`${warden.url}${await download.getAttribute('href')}`);
    expect(evidence.status(), await evidence.text()).toBe(200);
    expect(((await evidence.json()) as { incidentId: string }).incidentId).toBe(incidentId);
    await screenshot(otto, 'console-incident');
    await expectAccessible(otto, 'incident');
  }, 180_000);

  it('Rita decides a review item in her queue; the reviewer workflow records it as hers', async () => {
    const campaignId = `console-${randomUUID().slice(0, 8)}`;
    const campaign = await client.workflow.start('reviewCampaignWorkflow', { taskQueue, workflowId: reviewCampaignWorkflowId(campaignId), args: [{ campaignId, dryRun: true, requestedBy: 'olga' }] });
    started.push(campaign.workflowId);
    const input: ReviewerInput = { campaignId, reviewer: 'rita', dryRun: true, deadline: new Date(Date.now() + 3600_000).toISOString(), graceMs: 60_000, remindersMs: [], onSilence: 'keep' };
    const reviewer = await client.workflow.start('reviewerWorkflow', { taskQueue, workflowId: reviewerWorkflowId(campaignId, 'rita'), args: [input] });
    started.push(reviewer.workflowId);
    await expect.poll(async () => (await reviewer.query(reviewerStateQuery)).items.length).toBe(2);

    const rita = await newPage();
    await loginWithToken(rita, TOKENS.rita);
    await rita.getByRole('link', { name: 'Access reviews' }).click();
    await rita.getByRole('link', { name: `${campaignId}: 2 open items for rita` }).click();
    const item = ITEMS[0]!.id;
    await rita.getByLabel(`Reason for ${item}`).fill('still on the ML on-call rota');
    await rita.getByRole('button', { name: `Keep ${item}` }).click();
    await expect.poll(() => rita.getByTestId(`decided-${item}`).textContent()).toBe('keep by rita via console: “still on the ML on-call rota”');
    expect((await reviewer.query(reviewerStateQuery)).decisions[item]).toMatchObject({ decision: 'keep', by: 'rita', via: 'console', reason: 'still on the ML on-call rota' });
    // Progress by reviewer (GET /v1/reviews/{id}/reviewers) counts her decision.
    const progress = rita.getByRole('table', { name: 'Progress by reviewer' }).getByRole('row', { name: /^rita / });
    await expect.poll(() => progress.textContent(), { timeout: 20_000 }).toContain('1 of 2');
    await screenshot(rita, 'console-review');
    await expectAccessible(rita, 'review queue');
  }, 120_000);

  it('a viewer sees every change disabled, and the API refuses each one made with her session (403), with or without the CSRF token', async () => {
    // A second incident waiting on an approval, for the viewer to try.
    const user = await seedUser(iam, 'dana-ml-2', { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    const posted = await postLeak(user.accessKeys[0]!.accessKeyId, 'dana-ml-2');
    started.push(posted.workflowId);
    const handle = client.workflow.getHandle(posted.workflowId);
    await expect.poll(async () => (await handle.query(incidentStateQuery)).steps.delete_key?.status, { timeout: 45_000 }).toBe('awaiting-approval');

    const vera = await newPage();
    await loginWithToken(vera, TOKENS.vera);
    await vera.goto(`${warden.url}/console/#/incidents/${posted.incidentId}`);
    const approve = vera.getByRole('button', { name: 'Approve step delete_key' });
    await approve.waitFor();
    expect(await approve.isDisabled()).toBe(true);
    expect(await vera.getByRole('button', { name: 'Deny step delete_key' }).isDisabled()).toBe(true);
    expect(await vera.getByText('read only: your role cannot decide').count()).toBeGreaterThan(0);

    // The attack: every change route, sent from her page with her cookie and her CSRF token.
    const changes = warden.api.routes.filter((r) => r.method !== 'GET' && !r.path.startsWith('/v1/alerts') && !r.path.startsWith('/console/') && !r.path.startsWith('/slack/'));
    expect(changes.length).toBeGreaterThanOrEqual(20);
    const attempts = changes.map((r) => ({
      method: r.method,
      path: r.path
        .replace(':id', posted.incidentId)
        .replace(':stepId', 'delete_key')
        .replace(/:[a-zA-Z]+/g, 'sam'),
    }));
    // Each with a body its route accepts, so that only who is asking can refuse it.
    const statuses = await vera.evaluate<{ path: string; withToken: number; without: number }[]>(`(async () => {
      const attempts = ${JSON.stringify(attempts)};
      const generic = { decision: 'approve', reason: 'x', text: 'x' };
      const decisions = { decisions: [{ item: 'x', decision: 'keep' }] };
      const { csrf } = await (await fetch('/console/session')).json();
      const send = (a, headers) => fetch(a.path, { method: a.method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(a.path.endsWith('/decisions') ? decisions : generic) }).then((r) => r.status);
      const out = [];
      for (const a of attempts) out.push({ path: a.method + ' ' + a.path, withToken: await send(a, { 'x-csrf-token': csrf }), without: await send(a, {}) });
      return out;
    })()`);
    for (const s of statuses) {
      expect(s.without, `${s.path} without the CSRF token`).toBe(403);
      expect(s.withToken, `${s.path} as a viewer`).toBe(403);
    }
    // Nothing moved: the step still waits, with no vote, and the key is still there.
    const state = await handle.query(incidentStateQuery);
    expect(state.steps.delete_key).toMatchObject({ status: 'awaiting-approval', approval: { votes: [] } });
    expect(await keysOf('dana-ml-2')).toHaveLength(1);
    await handle.terminate('test done');
  }, 120_000);

  it('Manny logs in through single sign-on (a real OpenID provider), as the directory person, with the role his groups map to', async () => {
    // The provider needs Warden's callback, and Warden the provider's issuer: the single sign-on is turned on by a config reload.
    const redirectUri = `${warden.url}/console/oidc/callback`;
    idp = await startTestIdp({ 'sub-manny': { email: 'manny@example.com', email_verified: true, name: 'Manny M.', groups: ['warden-viewers'] } }, [
      { clientId: 'warden-console', clientSecret: env.WARDEN_OIDC_CLIENT_SECRET, redirectUri },
    ]);
    idp.loginAs = 'sub-manny';
    const oidc = [
      'console:',
      '  oidc:',
      `    issuer: ${idp.issuer}`,
      '    client_id: warden-console',
      `    redirect_uri: ${redirectUri}`,
      '    scopes: [openid, email, profile, groups]',
      '    role_map: { warden-viewers: [viewer] }',
    ];
    writeFileSync(env.WARDEN_CONFIG, [CONFIG, ...oidc].join('\n'));
    expect(warden.api.reload()).toMatchObject({ ok: true });
    const manny = await newPage();
    await manny.goto(`${warden.url}/console/`);
    await manny.getByRole('link', { name: /^Log in with single sign-on/ }).click();
    await expect.poll(async () => manny.getByTestId('whoami').textContent(), { timeout: 20_000 }).toBe('Manny M. (viewer)');
    expect((await manny.context().cookies()).find((c) => c.name === 'warden_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const session = await manny.evaluate(async () => (await fetch('/console/session')).json());
    expect(session).toMatchObject({ id: 'manny', roles: ['viewer'], groups: ['warden-viewers'] });
  }, 60_000);

  it('the login page, offboardings, the KPI charts and the audit log (verified) are readable and accessible', async () => {
    const olga = await newPage();
    await olga.goto(`${warden.url}/console/`);
    await olga.getByLabel('API token').waitFor();
    await expectAccessible(olga, 'login');
    await loginWithToken(olga, TOKENS.olga);
    await olga.getByRole('link', { name: 'Offboardings' }).click();
    await olga.getByRole('heading', { name: 'Offboardings', exact: true }).waitFor();
    // The list from GET /v1/offboardings has loaded: none yet, or each with its status and start.
    await olga
      .getByText(/^No offboarding yet\.$|, started \d{4}-/)
      .first()
      .waitFor();
    await expectAccessible(olga, 'offboardings');
    await olga.getByRole('link', { name: 'KPIs' }).click();
    await olga.getByRole('heading', { name: 'KPIs' }).waitFor();
    // The incidents of this test are counted: the first was contained (MTTC) and approved by people (MTTA).
    await expect.poll(async () => Number(await olga.getByRole('row', { name: /^MTTC/ }).getByRole('cell').first().textContent()), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    expect(await olga.locator('.recharts-surface').count()).toBeGreaterThan(0);
    await expectAccessible(olga, 'kpis');
    await screenshot(olga, 'console-kpis');
    await olga.getByRole('link', { name: 'Audit log' }).click();
    await warden.api.audit.flush();
    await expect.poll(async () => olga.getByTestId('audit-verified').textContent(), { timeout: 30_000 }).toMatch(/^Verified: \d+ records/);
    expect(await olga.getByRole('cell', { name: 'token.use' }).count()).toBeGreaterThan(0);
    await expectAccessible(olga, 'audit');
    await screenshot(olga, 'console-audit');
  }, 90_000);
});
