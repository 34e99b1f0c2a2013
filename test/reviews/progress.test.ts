/**
 * Progress by reviewer (GET /v1/reviews/{id}/reviewers): each reviewer workflow of one campaign
 * with how many items it holds and has decided, read from the real reviewer workflows (their
 * activities hand them three items and tell nobody). Counts only, to viewers; a bad page is a 400.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewDecideUpdate, reviewerWorkflowId, type ReviewerInput, type ReviewerItem } from '../../contracts/reviews.js';
import { listen } from '../../server/app.js';
import { createApiAuth } from '../../server/auth/api-auth.js';
import { createRouter } from '../../server/router.js';
import type { ReviewerProgress } from '../../server/api-responses.js';
import { reviewProgressRoutes } from '../../server/routes/review-progress.js';
import { startWorker, suiteClient, uniqueTaskQueue, type TestWorker } from '../harness.js';
import { reviewerOnlyActivities } from '../helpers/reviewer-stub.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const VIEWER = 'tok-progress-viewer';
const ITEMS: ReviewerItem[] = [
  { id: 'aws:1:sam:iam-group:admins', flagged: true, person: 'sam' },
  { id: 'github:acme:sam:github-team:ml', flagged: false, person: 'sam' },
  { id: 'github:acme:sam:github-repo:acme/models', flagged: false, person: 'sam' },
];
const taskQueue = uniqueTaskQueue('review-progress');
const campaignId = `progress-${randomUUID().slice(0, 8)}`;
let client: Client;
let worker: TestWorker;
let server: Server;
let url = '';

beforeAll(async () => {
  client = await suiteClient();
  worker = await startWorker({ providers: {} }, { taskQueue, activities: () => reviewerOnlyActivities(ITEMS, 'manny') });
  const auth = createApiAuth([{ id: 'vera', roles: ['viewer'], groups: [], tokens: [{ sha256: sha(VIEWER) }] }]);
  server = createServer((req, res) => void createRouter(reviewProgressRoutes({ client, auth }), () => undefined)(req, res));
  url = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
  for (const reviewer of ['rita', 'ravi']) {
    const input: ReviewerInput = { campaignId, reviewer, dryRun: true, deadline: new Date(Date.now() + 86_400_000).toISOString(), graceMs: 3_600_000, remindersMs: [], onSilence: 'keep' };
    await client.workflow.start('reviewerWorkflow', { taskQueue, workflowId: reviewerWorkflowId(campaignId, reviewer), args: [input] });
  }
}, 60_000);
afterAll(async () => {
  for (const reviewer of ['rita', 'ravi'])
    await client.workflow
      .getHandle(reviewerWorkflowId(campaignId, reviewer))
      .terminate('test done')
      .catch(() => undefined);
  await worker?.shutdown();
  server?.close();
  await client?.connection.close();
});

const get = (path: string, token = VIEWER) => fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const progress = async (query = ''): Promise<ReviewerProgress[]> => {
  const res = await get(`/v1/reviews/${campaignId}/reviewers${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { reviewers: ReviewerProgress[] }).reviewers;
};
const byReviewer = (list: readonly ReviewerProgress[]) => Object.fromEntries(list.map((p) => [p.reviewer, p]));

describe('GET /v1/reviews/{id}/reviewers', () => {
  it("shows each reviewer's items and decisions as they are made, a page at a time", async () => {
    await expect.poll(async () => Object.keys(byReviewer(await progress())).sort(), { timeout: 20_000 }).toEqual(['ravi', 'rita']);
    await expect.poll(async () => (await progress()).map((p) => p.items), { timeout: 20_000 }).toEqual([3, 3]);
    expect(byReviewer(await progress()).rita).toMatchObject({ status: 'RUNNING', phase: 'open', items: 3, decided: 0, deadline: expect.any(String) as unknown });

    await client.workflow.getHandle(reviewerWorkflowId(campaignId, 'rita')).executeUpdate(reviewDecideUpdate, {
      args: [{ by: 'rita', via: 'api', decisions: [{ item: ITEMS[1]!.id, decision: 'keep', reason: 'needed' }] }],
    });
    const after = byReviewer(await progress());
    expect(after.rita).toMatchObject({ items: 3, decided: 1 });
    expect(after.ravi).toMatchObject({ items: 3, decided: 0 });
    expect(JSON.stringify(after)).not.toContain(ITEMS[0]!.id); // counts, never the items

    const [first, second] = [await progress('?limit=1'), await progress('?offset=1&limit=1')];
    expect([...first, ...second].map((p) => p.reviewer).sort()).toEqual(['ravi', 'rita']);
    expect(await progress('?offset=2')).toEqual([]);
  });

  it('refuses a caller without a token (401), a bad campaign id and a bad page (400, naming the fields)', async () => {
    expect((await get(`/v1/reviews/${campaignId}/reviewers`, '')).status).toBe(401);
    expect((await get('/v1/reviews/bad!id/reviewers')).status).toBe(400);
    const bad = await get(`/v1/reviews/${campaignId}/reviewers?offset=-1&limit=1000`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: { path: string }[] }).details.map((d) => d.path).sort()).toEqual(['limit', 'offset']);
  });
});
