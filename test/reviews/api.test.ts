import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConfigDirectory } from '../../config/config-directory.js';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';
import type { Person } from '../../contracts/directory.js';
import { reviewCommand } from '../../cli/commands/review.js';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import type { IdentityConfig } from '../../config/file-config.js';
import type { ItemDecision } from '../../contracts/review-types.js';
import { listen } from '../../server/app.js';
import { createApiAuth } from '../../server/auth/api-auth.js';
import { createRouter } from '../../server/router.js';
import { localEvidenceReader, readCampaignReport } from '../../server/routes/review-access.js';
import { reviewRoutes } from '../../server/routes/reviews.js';
import {
  reviewCampaignWorkflowId,
  reviewerStateQuery,
  reviewerWorkflowId,
  type CampaignState,
  type ReviewCampaignInput,
  type ReviewerInput,
  type ReviewerItem,
  type ReviewerState,
} from '../../contracts/reviews.js';
import { reviewSettings, tempStore } from './fixture.js';
import { startWorker, suiteClient, suiteKeyring, uniqueTaskQueue, withWorker, type TestWorker } from '../harness.js';
import { reviewerOnlyActivities } from '../helpers/reviewer-stub.js';
import { documentedFetch } from '../helpers/documented-fetch.js';

const tokens = { rita: 'tok-rev-rita', eve: 'tok-rev-eve', vera: 'tok-rev-vera', olga: 'tok-rev-olga', adam: 'tok-rev-adam' };
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const person = (id: string, extra: Partial<Person> = {}): Person => ({ id, name: id, email: `${id}@example.com`, aws: [], groups: [], roles: [], ...extra });
const identity = (id: string, token: string, roles: IdentityConfig['roles'], extra: Partial<IdentityConfig> = {}): IdentityConfig => ({
  id,
  roles,
  groups: [],
  tokens: [{ sha256: sha(token) }],
  ...extra,
});

/** Rita reviews Sam's access; Manny is her manager; Eve is someone else (her identity maps by email). */
const people = [person('rita', { manager: 'manny' }), person('manny'), person('sam'), person('eve')];
const identities = [
  identity('rita', tokens.rita, ['viewer']),
  identity('eve.ops', tokens.eve, ['viewer'], { email: 'Eve@Example.com' }),
  identity('vera', tokens.vera, ['viewer']),
  identity('olga', tokens.olga, ['responder'], { groups: ['security-oncall'] }),
  identity('adam', tokens.adam, ['admin'], { groups: ['security-leads'] }),
];
const ITEMS: ReviewerItem[] = [
  { id: 'aws:123456789012:sam:iam-group:admins', flagged: true, person: 'sam' },
  { id: 'github:acme:sam:github-team:ml', flagged: false, person: 'sam' },
  { id: 'github:acme:sam:github-repo:acme/models', flagged: false, person: 'sam' },
];

let client: Client;
let server: Server;
let url = '';
let worker: TestWorker;
let evidenceDir: string;
const taskQueue = uniqueTaskQueue('review-api');
const campaignId = `api-${randomUUID().slice(0, 8)}`;
const started: string[] = [];
const recorded: { reviewer: string; decisions: ItemDecision[] }[] = [];

/**
 * The reviewer workflow is the real one (the suite's bundle); its activities are stand-ins that
 * hand it Rita's items and tell nobody. A campaign started through the API waits in `collecting`
 * (its settings activity never answers until the worker stops), which is all these tests read.
 */
const reviewerActivities = reviewerOnlyActivities(ITEMS, 'manny', (input) => void recorded.push(input));

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  } catch {
    /* installed by another helper */
  }
  client = await suiteClient();
  evidenceDir = mkdtempSync(join(tmpdir(), 'warden-review-api-'));
  const routes = reviewRoutes({ client, auth: createApiAuth(identities), directory: createConfigDirectory(people), identities, taskQueue, evidence: localEvidenceReader(evidenceDir) });
  const router = createRouter(routes, () => undefined);
  server = createServer((req, res) => void router(req, res));
  url = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
  worker = await startWorker({ providers: {} }, { taskQueue, activities: () => reviewerActivities });
}, 120_000);

afterAll(async () => {
  for (const id of started)
    await client.workflow
      .getHandle(id)
      .terminate('test done')
      .catch(() => undefined);
  await worker?.shutdown();
  server?.close();
  await client?.connection.close();
  rmSync(evidenceDir, { recursive: true, force: true });
});

const as = (token: string | undefined, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) =>
  documentedFetch(`${url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
const detailsOf = async (res: Response) => ((await res.json()) as { details?: { path: string }[] }).details?.map((d) => d.path).sort();
const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;
/** The campaign's input as the start recorded it (decrypted with the suite's key). */
const startInput = async (workflowId: string): Promise<ReviewCampaignInput> => {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const [decoded] = await new AesGcmPayloadCodec(suiteKeyring()).decode([payload!]);
  return defaultPayloadConverter.fromPayload<ReviewCampaignInput>(decoded!);
};

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('POST /v1/reviews: starting a campaign', () => {
  it('refuses bad bodies with the fields at fault (400), a wrong content type (415) and bad JSON (400)', async () => {
    const bad = await as(tokens.olga, 'POST', '/v1/reviews', { id: 'bad id!', scope: ['aws', 'azure'], dry_run: 'yes', requested_by: 'mallory' });
    expect(bad.status).toBe(400);
    expect(await detailsOf(bad)).toEqual(['dry_run', 'id', 'requested_by', 'scope.1']);
    expect(await detailsOf(await as(tokens.olga, 'POST', '/v1/reviews', { scope: [] }))).toEqual(['scope']);
    expect(await detailsOf(await as(tokens.olga, 'POST', '/v1/reviews', { scope: ['aws', 'aws'] }))).toEqual(['scope']);
    // A synthetic scope without its spec; an id that would name a reviewer's or shard's workflow.
    expect(await detailsOf(await as(tokens.olga, 'POST', '/v1/reviews', { scope: ['synthetic'] }))).toEqual(['scope']);
    expect(await detailsOf(await as(tokens.olga, 'POST', '/v1/reviews', { id: 'q3--reviewer-alice' }))).toEqual(['id']);
    expect(await detailsOf(await as(tokens.adam, 'POST', '/v1/reviews', { synthetic: { entitlements: 0, reviewers: 1.5, size: 3 } }))).toEqual([
      'synthetic',
      'synthetic.entitlements',
      'synthetic.reviewers',
    ]);
    expect(await detailsOf(await as(tokens.adam, 'POST', '/v1/reviews', { timing: { deadline_ms: -1, grace_ms: 'soon', reminders_ms: [0] } }))).toEqual([
      'timing.deadline_ms',
      'timing.grace_ms',
      'timing.reminders_ms.0',
    ]);
    const late = await as(tokens.adam, 'POST', '/v1/reviews', { timing: { deadline_ms: 60_000, reminders_ms: [30_000, 60_000] } });
    expect(await late.json()).toMatchObject({ details: [{ path: 'timing.reminders_ms.1', message: expect.stringContaining('less than deadline_ms') as unknown }] });
    expect((await as(tokens.olga, 'POST', '/v1/reviews', '{"dry_run":', {})).status).toBe(400);
    expect((await as(tokens.olga, 'POST', '/v1/reviews', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('needs a responder (401 without a token, 403 for a viewer) and an admin for synthetic organizations and timing', async () => {
    expect((await as(undefined, 'POST', '/v1/reviews', {})).status).toBe(401);
    expect((await as('not-a-token', 'POST', '/v1/reviews', {})).status).toBe(401);
    const viewer = await as(tokens.vera, 'POST', '/v1/reviews', {});
    expect(viewer.status).toBe(403);
    expect(await errorOf(viewer)).toMatch(/^vera may not start access reviews: needs role responder/);
    const synthetic = await as(tokens.olga, 'POST', '/v1/reviews', { synthetic: { entitlements: 10, reviewers: 2 } });
    expect(synthetic.status).toBe(403);
    expect(await errorOf(synthetic)).toMatch(/needs role admin/);
    expect((await as(tokens.olga, 'POST', '/v1/reviews', { timing: { deadline_ms: 60_000 } })).status).toBe(403);
  });

  it('starts review-<id> once Temporal recorded it (202), as the caller, and never reuses an id (409)', async () => {
    const res = await as(tokens.olga, 'POST', '/v1/reviews', { id: campaignId, scope: ['github'], dry_run: true });
    expect(res.status).toBe(202);
    const workflowId = reviewCampaignWorkflowId(campaignId);
    started.push(workflowId);
    expect(await res.json()).toEqual({ id: campaignId, workflow_id: workflowId });
    const described = await client.workflow.getHandle(workflowId).describe();
    expect(described).toMatchObject({ type: 'reviewCampaignWorkflow', taskQueue, status: { name: 'RUNNING' } });
    expect(await startInput(workflowId)).toEqual({ campaignId, dryRun: true, requestedBy: 'olga', scope: ['github'] });

    const again = await as(tokens.olga, 'POST', '/v1/reviews', { id: campaignId });
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toBe(`campaign ${campaignId} is already running`);

    const other = `api-done-${randomUUID().slice(0, 8)}`;
    expect((await as(tokens.olga, 'POST', '/v1/reviews', { id: other })).status).toBe(202);
    started.push(reviewCampaignWorkflowId(other));
    await client.workflow.getHandle(reviewCampaignWorkflowId(other)).terminate('test: finished');
    const reused = await as(tokens.olga, 'POST', '/v1/reviews', { id: other });
    expect(reused.status).toBe(409);
    expect(await errorOf(reused)).toMatch(/already ran \(terminated\); campaign ids are not reused/);
  });

  it('names an ad-hoc campaign by the time, and passes an admin drill its synthetic organization and timing', async () => {
    const res = await as(tokens.adam, 'POST', '/v1/reviews', { synthetic: { entitlements: 100, reviewers: 5, seed: 7 }, timing: { deadline_ms: 60_000, grace_ms: 0, reminders_ms: [30_000] } });
    expect(res.status).toBe(202);
    const { id, workflow_id } = (await res.json()) as { id: string; workflow_id: string };
    started.push(workflow_id);
    expect(id).toMatch(/^adhoc-\d{8}T\d{6}Z$/);
    expect(await startInput(workflow_id)).toEqual({
      campaignId: id,
      dryRun: false,
      requestedBy: 'adam',
      synthetic: { entitlements: 100, reviewers: 5, seed: 7 },
      timing: { deadlineMs: 60_000, graceMs: 0, remindersMs: [30_000] },
    });
  });
});

describe('GET /v1/reviews/{id} and its report', () => {
  it('reads the campaign to viewers; the report only to responders (403 for a viewer); 404 for an unknown one; the report is 409 (naming the phase) until the evidence exists', async () => {
    const state = await waitFor(
      async () => {
        const res = await as(tokens.vera, 'GET', `/v1/reviews/${campaignId}`);
        return res.status === 200 ? ((await res.json()) as CampaignState) : undefined;
      },
      (s) => s !== undefined,
      'the campaign state',
    );
    expect(state).toMatchObject({ campaignId, dryRun: true, requestedBy: 'olga', phase: 'collecting', evidence: [] });
    expect((await as(tokens.vera, 'GET', `/v1/reviews/${campaignId}/report?format=csv`)).status).toBe(403);
    const report = await as(tokens.olga, 'GET', `/v1/reviews/${campaignId}/report?format=csv`);
    expect(report.status).toBe(409);
    expect(await errorOf(report)).toBe(`the report is not ready: campaign ${campaignId} is collecting`);
    expect(await detailsOf(await as(tokens.olga, 'GET', `/v1/reviews/${campaignId}/report?format=pdf`))).toEqual(['format']);

    const unknown = await as(tokens.vera, 'GET', '/v1/reviews/no-such-campaign');
    expect(unknown.status).toBe(404);
    expect(await errorOf(unknown)).toBe('no such campaign');
    expect((await as(tokens.olga, 'GET', '/v1/reviews/no-such-campaign/report')).status).toBe(404);
    expect((await as(tokens.vera, 'GET', '/v1/reviews/%20bad')).status).toBe(400);
    expect((await as(undefined, 'GET', `/v1/reviews/${campaignId}`)).status).toBe(401);
  });

  it('prints the campaign through warden review status', async () => {
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.stubEnv('WARDEN_URL', url);
    vi.stubEnv('WARDEN_TOKEN', tokens.vera);
    try {
      expect(await reviewCommand(['status', campaignId], {})).toBe(0);
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(out.join('')).toContain(`campaign ${campaignId}  (DRY RUN)`);
    expect(out.join('')).toMatch(/phase +collecting/);
    expect(out.join('')).toMatch(/requested by +olga/);
    expect(out.join('')).toContain('evidence: none yet');
  });
});

describe("a reviewer's review: reading and deciding as the caller's directory person", () => {
  const reviewerId = reviewerWorkflowId(campaignId, 'rita');
  let handle: WorkflowHandle;
  const decisions = `/v1/reviews/${campaignId}/decisions`;

  beforeAll(async () => {
    const input: ReviewerInput = { campaignId, reviewer: 'rita', dryRun: true, deadline: new Date(Date.now() + 86_400_000).toISOString(), graceMs: 3_600_000, remindersMs: [], onSilence: 'keep' };
    handle = await client.workflow.start('reviewerWorkflow', { taskQueue, workflowId: reviewerId, args: [input] });
    started.push(reviewerId);
    await waitFor(
      () => as(tokens.olga, 'GET', `/v1/reviews/${campaignId}/reviewers/rita`).then((r) => r.json() as Promise<ReviewerState>),
      (s) => s.items?.length === 3,
      "rita's items",
    );
  });

  it('shows the review to the reviewer and responders only', async () => {
    const own = await as(tokens.rita, 'GET', `/v1/reviews/${campaignId}/reviewers/rita`);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ campaignId, reviewer: 'rita', phase: 'open', items: ITEMS, manager: 'manny' });
    const eve = await as(tokens.eve, 'GET', `/v1/reviews/${campaignId}/reviewers/rita`);
    expect(eve.status).toBe(403);
    expect(await errorOf(eve)).toMatch(/^eve\.ops may not read the review of rita: only the reviewer, the manager it was escalated to, or a responder may/);
    const nobody = await as(tokens.vera, 'GET', `/v1/reviews/${campaignId}/reviewers/rita`);
    expect(nobody.status).toBe(403);
    expect(await errorOf(nobody)).toMatch(/maps to no person in the directory/);
    const missing = await as(tokens.olga, 'GET', `/v1/reviews/${campaignId}/reviewers/manny`);
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toContain(reviewerWorkflowId(campaignId, 'manny'));
    expect((await as(tokens.olga, 'GET', `/v1/reviews/${campaignId}/reviewers/bad!id`)).status).toBe(400);
  });

  it('refuses bad decision bodies (400) and never takes the decider from the body', async () => {
    expect(await detailsOf(await as(tokens.rita, 'POST', decisions, {}))).toEqual(['decisions']);
    expect(await detailsOf(await as(tokens.rita, 'POST', decisions, { decisions: [] }))).toEqual(['decisions']);
    expect(await detailsOf(await as(tokens.rita, 'POST', decisions, { decisions: [{ item: '', decision: 'maybe' }], keep_all_unflagged: 'yes' }))).toEqual([
      'decisions.0.decision',
      'decisions.0.item',
      'keep_all_unflagged',
    ]);
    expect(await detailsOf(await as(tokens.eve, 'POST', decisions, { by: 'rita', reviewer: 'rita', keep_all_unflagged: true }))).toEqual(['by']);
    expect(await detailsOf(await as(tokens.rita, 'POST', decisions, { reviewer: '../x', keep_all_unflagged: true }))).toEqual(['reviewer']);
  });

  it("refuses someone else's decision with the workflow's reason (403), and a caller who is nobody in the directory", async () => {
    const eve = await as(tokens.eve, 'POST', decisions, { reviewer: 'rita', decisions: [{ item: ITEMS[0]!.id, decision: 'keep' }] });
    expect(eve.status).toBe(403);
    expect(await errorOf(eve)).toMatch(/^eve may not decide rita's items/);
    const vera = await as(tokens.vera, 'POST', decisions, { reviewer: 'rita', keep_all_unflagged: true });
    expect(vera.status).toBe(403);
    expect(await errorOf(vera)).toBe('vera may not decide access reviews: the identity maps to no person in the directory (people: in warden.yaml, by id or email)');
    const none = await as(tokens.eve, 'POST', decisions, { keep_all_unflagged: true });
    expect(none.status).toBe(404);
    expect(await errorOf(none)).toContain(`no reviewer workflow ${reviewerWorkflowId(campaignId, 'eve')}`);
    expect(Object.keys((await handle.query(reviewerStateQuery)).decisions)).toEqual([]);
  });

  it('records the reviewer’s own decisions with who, how and why; an item that is not theirs is 404', async () => {
    const unknown = await as(tokens.rita, 'POST', decisions, { decisions: [{ item: 'aws:1:x:iam-group:nope', decision: 'keep' }] });
    expect(unknown.status).toBe(404);
    expect(await errorOf(unknown)).toMatch(/is not among rita's items/);

    const res = await as(tokens.rita, 'POST', decisions, { decisions: [{ item: ITEMS[0]!.id, decision: 'revoke', reason: 'left the platform team' }] }, { 'x-warden-client': 'cli' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reviewer: 'rita', by: 'rita', applied: 1, remaining: 2 });
    const state = await handle.query(reviewerStateQuery);
    expect(state.decisions[ITEMS[0]!.id]).toMatchObject({ decision: 'revoke', by: 'rita', via: 'cli', reason: 'left the platform team' });

    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.stubEnv('WARDEN_URL', url);
    vi.stubEnv('WARDEN_TOKEN', tokens.rita);
    try {
      expect(await reviewCommand(['decide', campaignId, ITEMS[1]!.id, 'keep'], { reason: 'needed for training' })).toBe(0);
      expect(await reviewCommand(['decide', campaignId], { 'keep-unflagged': true, json: true })).toBe(0);
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(out[0]).toBe(`recorded 1 decision(s) on rita's review in campaign ${campaignId}; 1 item(s) left\n`);
    expect(JSON.parse(out[1]!)).toEqual({ reviewer: 'rita', by: 'rita', applied: 1, remaining: 0 });
    const after = await handle.query(reviewerStateQuery);
    expect(after.decisions[ITEMS[1]!.id]).toMatchObject({ decision: 'keep', by: 'rita', via: 'cli', reason: 'needed for training' });
    expect(after.decisions[ITEMS[2]!.id]).toMatchObject({ decision: 'keep', by: 'rita', via: 'cli' });

    // Every item decided: the review closes and records the decisions; it takes no more (409).
    await waitFor(
      async () => recorded,
      (r) => r.some((x) => x.reviewer === 'rita'),
      'the recorded decisions',
    );
    const closed = await waitFor(
      () => as(tokens.rita, 'POST', decisions, { decisions: [{ item: ITEMS[0]!.id, decision: 'keep' }] }),
      (r) => r.status === 409,
      'the closed review',
    );
    expect(await errorOf(closed)).toMatch(/closed/);
  });
});

describe('POST /v1/reviews/{id}/approval', () => {
  it('needs a responder, a valid body and a campaign waiting for an approval', async () => {
    expect((await as(tokens.vera, 'POST', `/v1/reviews/${campaignId}/approval`, { approve: true })).status).toBe(403);
    expect(await detailsOf(await as(tokens.olga, 'POST', `/v1/reviews/${campaignId}/approval`, { approve: 'yes', by: 'olga' }))).toEqual(['approve', 'by']);
    expect((await as(tokens.olga, 'POST', '/v1/reviews/no-such-campaign/approval', { approve: true })).status).toBe(404);
    const early = await as(tokens.adam, 'POST', `/v1/reviews/${campaignId}/approval`, { approve: true, reason: 'looks right' });
    expect(early.status).toBe(409);
  });
});

describe('the report: the stored evidence file of the format asked', () => {
  const stateWith = async (phase: CampaignState['phase'], files: Record<string, string>): Promise<CampaignState> => {
    const store = createLocalEvidenceStore(evidenceDir);
    const evidence = [];
    for (const [name, body] of Object.entries(files)) {
      const stored = await store.put(`reviews/${campaignId}-${randomUUID().slice(0, 8)}/${name}`, body, 'application/octet-stream');
      evidence.push({ name, uri: stored.uri, sha256: stored.sha256 });
    }
    return { campaignId, phase, evidence } as unknown as CampaignState;
  };

  it('serves each format with its content type, and refuses a file that changed after the campaign wrote it', async () => {
    const state = await stateWith('done', { 'evidence.csv': 'item,decision\nx,keep\n', 'evidence.json': '{"items":[]}', 'report.html': '<h1>Review</h1>' });
    const csv = { name: 'evidence.csv', contentType: 'text/csv; charset=utf-8', body: new Uint8Array(Buffer.from('item,decision\nx,keep\n')) };
    expect(await readCampaignReport(localEvidenceReader(evidenceDir), state, 'csv')).toEqual(csv);
    expect(await readCampaignReport(localEvidenceReader(evidenceDir), state, 'json')).toMatchObject({ name: 'evidence.json', contentType: 'application/json; charset=utf-8' });
    expect(await readCampaignReport(localEvidenceReader(evidenceDir), state, 'html')).toMatchObject({ name: 'report.html', contentType: 'text/html; charset=utf-8' });

    const path = fileURLToPath(state.evidence[0]!.uri);
    chmodSync(path, 0o600);
    writeFileSync(path, 'item,decision\nx,revoke\n');
    await expect(readCampaignReport(localEvidenceReader(evidenceDir), state, 'csv')).rejects.toMatchObject({ status: 500, message: expect.stringMatching(/no longer matches the sha256/) as unknown });
  });

  it('is 409 with the phase before the evidence exists, 404 when a finished campaign has no such file or it is elsewhere', async () => {
    await expect(readCampaignReport(localEvidenceReader(evidenceDir), await stateWith('enforcing', {}), 'json')).rejects.toMatchObject({
      status: 409,
      message: `the report is not ready: campaign ${campaignId} is enforcing`,
    });
    await expect(readCampaignReport(localEvidenceReader(evidenceDir), await stateWith('done', { 'evidence.json': '{}' }), 'html')).rejects.toMatchObject({ status: 404 });
    const elsewhere = { campaignId, phase: 'done', evidence: [{ name: 'evidence.json', uri: 'file:///etc/passwd', sha256: 'x' }] } as unknown as CampaignState;
    const notHere = { status: 404, message: expect.stringContaining("not in this server's evidence directory") as unknown };
    await expect(readCampaignReport(localEvidenceReader(evidenceDir), elsewhere, 'json')).rejects.toMatchObject(notHere);
  });
});

describe('GET /v1/reviews/{id}/report of a finished campaign', () => {
  it('serves the evidence pack a dry-run synthetic campaign stored, each format with its content type and recorded sha256', async () => {
    const queue = uniqueTaskQueue('review-api-report');
    const packDir = mkdtempSync(join(tmpdir(), 'warden-review-pack-'));
    const id = `report-${randomUUID().slice(0, 8)}`;
    const routes = reviewRoutes({ client, auth: createApiAuth(identities), directory: createConfigDirectory(people), identities, taskQueue: queue, evidence: localEvidenceReader(packDir) });
    const router = createRouter(routes, () => undefined);
    const reportServer = createServer((req, res) => void router(req, res));
    const base = `http://127.0.0.1:${await listen(reportServer, '127.0.0.1', 0)}`;
    const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${tokens.olga}` } });
    const setup = { providers: { evidence: createLocalEvidenceStore(packDir) }, reviews: { settings: reviewSettings({ fallback_reviewers: ['auditor'] }), store: tempStore().store } };
    try {
      const state = await withWorker(setup, { taskQueue: queue }, async () => {
        const res = await fetch(`${base}/v1/reviews`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.adam}`, 'content-type': 'application/json' },
          body: JSON.stringify({ id, scope: ['synthetic'], dry_run: true, synthetic: { entitlements: 120, reviewers: 4, seed: 3 } }),
        });
        expect(res.status).toBe(202);
        started.push(reviewCampaignWorkflowId(id));
        return client.workflow.getHandle(reviewCampaignWorkflowId(id)).result() as Promise<CampaignState>;
      });
      expect(state).toMatchObject({ phase: 'done', dryRun: true, requestedBy: 'adam' });
      for (const [format, type] of [
        ['json', 'application/json'],
        ['csv', 'text/csv'],
        ['html', 'text/html'],
      ] as const) {
        const res = await get(`/v1/reviews/${id}/report?format=${format}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
        const body = Buffer.from(await res.arrayBuffer());
        const entry = state.evidence.find((e) => e.name.endsWith(`.${format}`));
        expect(createHash('sha256').update(body).digest('hex')).toBe(entry?.sha256);
        if (format === 'html') expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
      }
      const csv = await (await get(`/v1/reviews/${id}/report?format=csv`)).text();
      expect(csv.trimEnd().split('\n').length).toBeGreaterThan(120);
      expect((await (await get(`/v1/reviews/${id}/report`)).json()) as object).toBeTypeOf('object');
    } finally {
      reportServer.close();
      rmSync(packDir, { recursive: true, force: true });
    }
  });
});
