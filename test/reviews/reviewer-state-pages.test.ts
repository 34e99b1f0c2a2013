import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEWER_STATE_PAGE_MAX, type ReviewerStatePage } from '../../contracts/reviewer-page.js';
import { reviewDecideUpdate, reviewerWorkflowId, type ReviewerInput, type ReviewerItem, type ReviewerState } from '../../contracts/reviews.js';
import { readReviewerPage, readReviewerState } from '../../server/reviewer-state.js';
import { reviewerOnlyActivities } from '../helpers/reviewer-stub.js';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';
import { startWorker, suiteClient, uniqueTaskQueue, type TestWorker } from '../harness.js';

/**
 * #18.2: the state of a reviewer with 50,000 items and their decisions is over gRPC's 4 MB message,
 * so the whole-state query's answer is refused by the server (it fails the workflow task it rides
 * on); the paged query
 * (`review.reviewer.state-page`) reads every item and decision back, each page far under it.
 */
const GRPC_LIMIT = 4 * 1024 * 1024;
const N = 50_000;
const ITEMS: ReviewerItem[] = Array.from({ length: N }, (_, i) => {
  const who = `person-${String(i % 997).padStart(4, '0')}`;
  return { id: `aws:123456789012:${who}:iam-policy:arn:aws:iam::123456789012:policy/team-${String(i).padStart(6, '0')}`, flagged: i % 10 === 0, person: who };
});

let client: Client;
let limited: Client;
let worker: TestWorker;
let handle: WorkflowHandle;
let warden: WardenServer;
const TOKEN = 'tok-pages-rita-0123456789';
beforeAll(async () => {
  [client, limited] = await Promise.all([suiteClient(), suiteClient({ maxReceiveBytes: GRPC_LIMIT })]);
  const taskQueue = uniqueTaskQueue('reviewer-pages');
  worker = await startWorker({ providers: {} }, { taskQueue, activities: () => reviewerOnlyActivities(ITEMS, 'manny') });
  // The server, where rita (a viewer, and the reviewer) reads her own review.
  const dir = mkdtempSync(join(tmpdir(), 'warden-pages-'));
  const sha = createHash('sha256').update(TOKEN).digest('hex');
  writeFileSync(join(dir, 'warden.yaml'), `identities:\n  - { id: rita, roles: [viewer], tokens: [{ sha256: ${sha} }] }\npeople:\n  - { id: rita, name: Rita, email: rita@example.com }\n`);
  warden = await startWardenServer(client, taskQueue, { WARDEN_STATE_DIR: join(dir, 'state'), WARDEN_CONFIG: join(dir, 'warden.yaml') });
  const campaignId = `pages-${Date.now()}`;
  const input: ReviewerInput = { campaignId, reviewer: 'rita', dryRun: false, deadline: new Date(Date.now() + 10 * 60_000).toISOString(), graceMs: 0, remindersMs: [], onSilence: 'keep' };
  handle = await client.workflow.start('reviewerWorkflow', { taskQueue, workflowId: reviewerWorkflowId(campaignId, 'rita'), args: [input] });
  // Every item loaded (the page's total), then rita keeps every unflagged item and revokes the first 100 flagged ones.
  for (let i = 0; (await readReviewerPage(handle, 0, 1).catch(() => undefined))?.page.total !== N; i++) {
    if (i > 360) throw new Error(`the reviewer never held its ${N} items`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const revoke = ITEMS.filter((i) => i.flagged)
    .slice(0, 100)
    .map((i) => ({ item: i.id, decision: 'revoke' as const, reason: 'not needed' }));
  await handle.executeUpdate(reviewDecideUpdate, { args: [{ by: 'rita', via: 'api', decisions: revoke, keepAllUnflagged: true }] });
}, 180_000);
afterAll(async () => {
  await handle?.terminate('test done').catch(() => undefined);
  warden?.close();
  await worker?.shutdown();
  await Promise.all([client?.connection.close(), limited?.connection.close()]);
});

describe('the reviewer state of 50,000 items, page by page', () => {
  it('the whole state is over 4 MB; every page is under it, and the pages hold every item and decision once', { timeout: 120_000 }, async () => {
    // The whole-state query is not asked: its 20 MB answer is refused by the server (over 4 MB) and fails the workflow task it rides on.
    const onLimited = limited.workflow.getHandle(handle.workflowId);
    let largest = 0;
    const seen: string[] = [];
    let decided = 0;
    for (let offset = 0; ; offset += REVIEWER_STATE_PAGE_MAX) {
      const page = await readReviewerPage(onLimited, offset);
      expect(page).toBeDefined();
      largest = Math.max(largest, Buffer.byteLength(JSON.stringify(page)));
      expect(page!.page).toMatchObject({ offset, total: N, decided: (N / 10) * 9 + 100 });
      for (const item of page!.items) seen.push(item.id);
      decided += Object.keys(page!.decisions).length;
      expect(Object.keys(page!.decisions).every((id) => page!.items.some((i) => i.id === id))).toBe(true);
      if (offset + REVIEWER_STATE_PAGE_MAX >= N) break;
    }
    expect(seen).toEqual(ITEMS.map((i) => i.id));
    expect(decided).toBe((N / 10) * 9 + 100);
    expect(largest).toBeLessThan(2 * 1000 * 1000); // under Temporal's 2 MB payload limit too

    // The server's reader (API, approvals, KPIs) over the limited client: the whole state, over 4 MB, assembled from pages.
    const whole = await readReviewerState(onLimited);
    const bytes = Buffer.byteLength(JSON.stringify(whole));
    expect(bytes).toBeGreaterThan(GRPC_LIMIT);
    expect(whole.items).toEqual(ITEMS);
    const byDecision = Object.values(whole.decisions).reduce<Record<string, number>>((n, d) => ({ ...n, [`${d.decision} by ${d.by}`]: (n[`${d.decision} by ${d.by}`] ?? 0) + 1 }), {});
    expect(byDecision).toEqual({ 'keep by rita': (N / 10) * 9, 'revoke by rita': 100 });
    expect(whole).toMatchObject({ reviewer: 'rita', phase: 'open' });
    expect(whole).not.toHaveProperty('page');
    console.log(`reviewer of ${N} items: whole state ${(bytes / 2 ** 20).toFixed(1)} MiB; largest page ${(largest / 1024).toFixed(0)} KiB`);
  });

  it('clamps a page request: a negative offset reads from 0, a limit over the maximum reads the maximum', async () => {
    const page = await readReviewerPage(handle, -5, 10 * REVIEWER_STATE_PAGE_MAX);
    expect(page!.page).toMatchObject({ offset: 0, limit: REVIEWER_STATE_PAGE_MAX, total: N });
    expect(page!.items).toHaveLength(REVIEWER_STATE_PAGE_MAX);
    const past = await readReviewerPage(handle, N + 10);
    expect(past!.items).toEqual([]);
  });

  it('GET /v1/reviews/:id/reviewers/:reviewer: ?offset=&limit= answers a page; without them the whole state; a bad page is a 400 naming the field', async () => {
    const path = `/v1/reviews/${handle.workflowId.replace(/^review-(.*)--reviewer-rita$/, '$1')}/reviewers/rita`;
    const get = (query: string) => fetch(`${warden.url}${path}${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const res = await get('?offset=49990&limit=50');
    expect(res.status).toBe(200);
    const page = (await res.json()) as ReviewerStatePage;
    expect(page.page).toEqual({ offset: 49_990, limit: 50, total: N, decided: (N / 10) * 9 + 100 });
    expect(page.items.map((i) => i.id)).toEqual(ITEMS.slice(49_990).map((i) => i.id));
    expect(Object.keys(page.decisions).sort()).toEqual(
      ITEMS.slice(49_990)
        .filter((i) => !i.flagged)
        .map((i) => i.id)
        .sort(),
    );
    const whole = (await (await get('')).json()) as ReviewerState;
    expect(whole.items).toHaveLength(N);
    expect(whole).not.toHaveProperty('page');
    for (const [query, field] of [
      ['?limit=2001', 'limit'],
      ['?offset=-1', 'offset'],
      ['?offset=ten', 'offset'],
      ['?page=2', ''],
    ] as const) {
      const bad = await get(query);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain(field ? `"path":"${field}"` : 'page');
    }
  });
});
