import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConfigDirectory } from '../../config/config-directory.js';
import { offboardCommand } from '../../cli/commands/offboard.js';
import { listen } from '../../server/app.js';
import { createApiAuth } from '../../server/auth/api-auth.js';
import { createRouter } from '../../server/router.js';
import { offboardingListRoutes } from '../../server/routes/offboarding-list.js';
import { offboardingRoutes } from '../../server/routes/offboardings.js';
import { offboardingWorkflowId, type OffboardingState } from '../../contracts/offboarding.js';
import { startWorker, suiteClient, type TestWorker } from '../harness.js';
import { TEST_SIGNER } from '../helpers/decisions.js';
import { documentedFetch } from '../helpers/documented-fetch.js';
import { MANAGER, offboardingDeps, SECURITY, seedDeparting, startWorld, waitForState, type Departing, type OffboardingWorld } from './fixture.js';

const tokens = { viewer: 'tok-off-viewer', responder: 'tok-off-responder', hr: 'tok-off-hr' };
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

let w: OffboardingWorld;
let client: Client;
let server: Server;
let url = '';
let worker: TestWorker;
let dana: Departing;
let mo: Departing;

beforeAll(async () => {
  [w, client] = await Promise.all([startWorld(), suiteClient()]);
  dana = await seedDeparting(w);
  mo = await seedDeparting(w, { mlflowUser: 'mo-ml' });
  worker = await startWorker(offboardingDeps(w.deps), { name: 'offboard-api' });
  const auth = createApiAuth([
    { id: 'vera', roles: ['viewer'], groups: [], tokens: [{ sha256: sha(tokens.viewer) }] },
    { id: 'olga', roles: ['responder'], groups: ['security-oncall'], tokens: [{ sha256: sha(tokens.responder) }] },
    { id: 'hana', roles: ['hr'], groups: [], tokens: [{ sha256: sha(tokens.hr) }] },
  ]);
  const routes = [
    ...offboardingListRoutes({ client, auth }),
    ...offboardingRoutes({
      client,
      directory: createConfigDirectory([MANAGER, dana.person, mo.person]),
      taskQueue: worker.taskQueue,
      auth,
      signer: TEST_SIGNER,
      soleApproverRoles: ['hr'],
      notify: { email: [SECURITY] },
      retentionDays: 30,
    }),
  ];
  const router = createRouter(routes, () => undefined);
  server = createServer((req, res) => void router(req, res));
  url = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
}, 120_000);
afterAll(async () => {
  for (const d of [dana, mo])
    if (d)
      await client.workflow
        .getHandle(offboardingWorkflowId(d.person.id))
        .terminate('test done')
        .catch(() => undefined);
  await worker?.shutdown();
  server?.close();
  await w?.close();
  await client?.connection.close();
});

const as = (token: string, method: 'GET' | 'POST', path: string, body?: unknown, accept = 'application/json') =>
  documentedFetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
const stateOf = async (person: string): Promise<OffboardingState> => (await (await as(tokens.viewer, 'GET', `/v1/offboardings/${person}`)).json()) as OffboardingState;
const handleOf = (d: Departing) => client.workflow.getHandle(offboardingWorkflowId(d.person.id));

const start = (body: unknown, token = tokens.hr) => as(token, 'POST', '/v1/offboardings', body);

describe('POST /v1/offboardings (an hr or admin token)', () => {
  it('refuses a bad body, a requested_by and an unknown person (400, with the fields at fault)', async () => {
    const bad = await start({ person: 'bad id!', effective_at: 'tomorrow', extra: 1, requested_by: 'workday' });
    expect(bad.status).toBe(400);
    const details = ((await bad.json()) as { details: { path: string; message: string }[] }).details;
    expect(details.map((d) => d.path).sort()).toEqual(['effective_at', 'extra', 'person', 'reason', 'requested_by']);
    expect(details.find((d) => d.path === 'requested_by')?.message).toContain('the requester is the person whose API token sends the request');
    const unknown = await start({ person: 'nobody', reason: 'left' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'unknown person', details: [{ path: 'person', message: expect.stringContaining('"nobody"') as unknown }] });
  });

  it('starts the offboarding (202), and only an identical second request joins the running one', async () => {
    const effective_at = new Date(Date.now() + 3_600_000).toISOString();
    const first = await start({ person: dana.person.id, reason: 'left the company', effective_at });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ workflowId: offboardingWorkflowId(dana.person.id), person: dana.person.id, joined: false, dryRun: false, approvalRequired: false });
    const again = await start({ person: dana.person.id, reason: 'duplicate from the CLI', effective_at });
    expect(((await again.json()) as { joined: boolean }).joined).toBe(true);
    const dry = await start({ person: dana.person.id, reason: 'just looking', dry_run: true, effective_at });
    expect(dry.status).toBe(409);
    const state = await stateOf(dana.person.id);
    expect(state).toMatchObject({ phase: 'scheduled', requestedBy: 'hana', reason: 'left the company', notify: { email: [SECURITY, MANAGER.email] } });
  });

  it('cancels while it waits for its effective time (responders only), and not after', async () => {
    expect((await as(tokens.viewer, 'POST', `/v1/offboardings/${dana.person.id}/cancel`, { reason: 'no' })).status).toBe(403);
    const cancelled = await as(tokens.responder, 'POST', `/v1/offboardings/${dana.person.id}/cancel`, { reason: 'resignation withdrawn' });
    expect(cancelled.status).toBe(202);
    expect(await handleOf(dana).result()).toMatchObject({ phase: 'cancelled', cancel: { by: 'olga', reason: 'resignation withdrawn' }, items: [] });
    expect((await as(tokens.responder, 'POST', `/v1/offboardings/${dana.person.id}/cancel`, { reason: 'again' })).status).toBe(409);
  });
});

describe('steering an offboarding through the API and the CLI', () => {
  it('waits on the MLflow item (no registry configured) until a responder waives it; legal hold and report are recorded with the caller', async () => {
    expect((await start({ person: mo.person.id, reason: 'contract ended' })).status).toBe(202);
    const item = `mlflow/mo-ml/permissions`;
    const stuck = await waitForState(handleOf(mo), (s) => s.providers.aws?.status === 'done' && s.providers.github?.status === 'done' && s.providers.mlflow?.status === 'escalated');
    expect(stuck.items.find((i) => i.id === item)).toMatchObject({
      action: 'model.revokeUserPermissions',
      error: { type: 'ProviderNotConfigured', message: expect.stringContaining('MLFLOW_TRACKING_URI') as unknown },
    });
    expect((await as(tokens.responder, 'POST', `/v1/offboardings/${mo.person.id}/waive`, { item: 'nope', reason: 'x' })).status).toBe(404);
    const hold = await as(tokens.responder, 'POST', `/v1/offboardings/${mo.person.id}/legal-hold`, { hold: true, reason: 'HR dispute' });
    expect(await hold.json()).toEqual({ legalHold: { active: true, changes: [expect.objectContaining({ hold: true, by: 'olga', reason: 'HR dispute' })] } });
    const waived = await as(tokens.responder, 'POST', `/v1/offboardings/${mo.person.id}/waive`, { item, reason: 'removed in the MLflow admin UI' });
    expect(await waived.json()).toMatchObject({ item: { id: item, status: 'waived', waiver: { by: 'olga', reason: 'removed in the MLflow admin UI' } } });
    const state = await waitForState(handleOf(mo), (s) => s.phase === 'retention');
    expect(state.items.filter((i) => i.status !== 'done').map((i) => i.id)).toEqual([item]);

    const report = (await (await as(tokens.viewer, 'GET', `/v1/offboardings/${mo.person.id}/report`)).json()) as { credentials: { item: string; result: string }[] };
    expect(report.credentials.find((c) => c.item === item)?.result).toBe('waived by olga: removed in the MLflow admin UI');
    const markdown = await as(tokens.viewer, 'GET', `/v1/offboardings/${mo.person.id}/report`, undefined, 'text/markdown');
    expect(markdown.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(await markdown.text()).toContain(`# Offboarding of ${mo.person.name} (${mo.person.id})`);
    expect((await as('wrong', 'GET', `/v1/offboardings/${mo.person.id}`)).status).toBe(401);
    expect((await as(tokens.viewer, 'GET', '/v1/offboardings/nobody')).status).toBe(404);

    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.stubEnv('WARDEN_URL', url);
    vi.stubEnv('WARDEN_TOKEN', tokens.viewer);
    try {
      expect(await offboardCommand(['status', mo.person.id], {})).toBe(0);
      expect(await offboardCommand(['report', mo.person.id], {})).toBe(0);
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(out[0]).toMatch(/phase +retention/);
    expect(out[0]).toMatch(new RegExp(`${item} +waived`));
    expect(out[1]).toContain('| Credential | Action | Before | After | At | Result |');
  });
});

describe('GET /v1/offboardings', () => {
  type Listed = { person: string; workflowId: string; status: string; dryRun?: boolean; startTime: string; closeTime?: string };
  const list = async (query = '', token = tokens.viewer): Promise<Listed[]> => {
    const res = await as(token, 'GET', `/v1/offboardings${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { offboardings: Listed[] }).offboardings;
  };

  it('lists the offboardings, running before closed, by state, to the read roles; a bad query is a 400 naming the field', async () => {
    // By now dana's offboarding was cancelled (closed) and mo's waits in retention (running).
    await expect.poll(async () => (await list('?state=closed')).some((o) => o.person === dana.person.id), { timeout: 15_000 }).toBe(true);
    const closed = (await list('?state=closed')).find((o) => o.person === dana.person.id)!;
    expect(closed).toMatchObject({ workflowId: offboardingWorkflowId(dana.person.id), status: 'COMPLETED', dryRun: false, closeTime: expect.any(String) as unknown });
    const running = await list('?state=running');
    expect(running.find((o) => o.person === mo.person.id)).toMatchObject({ status: 'RUNNING', dryRun: false });
    expect(running.some((o) => o.person === dana.person.id)).toBe(false);
    const all = await list('?limit=500', tokens.hr);
    expect(all.map((o) => o.person)).toEqual(expect.arrayContaining([dana.person.id, mo.person.id]));
    const firstClosed = all.findIndex((o) => o.status !== 'RUNNING');
    if (firstClosed >= 0) expect(all.slice(firstClosed).every((o) => o.status !== 'RUNNING')).toBe(true);
    expect(await list('?limit=1')).toHaveLength(1);

    const bad = await as(tokens.viewer, 'GET', '/v1/offboardings?state=done&limit=0');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: { path: string }[] }).details.map((x) => x.path).sort()).toEqual(['limit', 'state']);
    expect((await as('wrong', 'GET', '/v1/offboardings')).status).toBe(401);
  });
});
