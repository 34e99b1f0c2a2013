/**
 * The server's reviewer readers fall back to the whole-state query when the reviewer's worker
 * runs code from before the paged query (#18.2): a page is then cut from the whole state, and the
 * whole state is read in one query. Any other failure is not mistaken for old code.
 */
import { fileURLToPath } from 'node:url';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wardenDataConverter } from '../../codec/data-converter.js';
import type { ItemDecision } from '../../contracts/review-types.js';
import type { ReviewerState } from '../../contracts/reviews.js';
import { readReviewerPage, readReviewerState, readReviewerView } from '../../server/reviewer-state.js';
import { quietWorkerLogs, suiteClient, suiteKeyring, uniqueTaskQueue } from '../harness.js';
import { suiteValue } from '../helpers/suite-env.js';

const taskQueue = uniqueTaskQueue('old-reviewer');
const decided = (itemId: string): ItemDecision => ({ itemId, decision: 'keep', by: 'rita', at: '2026-12-01T10:00:00.000Z', via: 'api' });
const state: ReviewerState = {
  campaignId: 'c-old',
  reviewer: 'rita',
  phase: 'open',
  openedAt: '2026-12-01T09:00:00.000Z',
  deadline: '2026-12-15T09:00:00.000Z',
  reminderTimes: [],
  items: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id: `aws:1:sam:iam-group:${id}`, flagged: id === 'c' })),
  decisions: { 'aws:1:sam:iam-group:b': decided('aws:1:sam:iam-group:b'), 'aws:1:sam:iam-group:d': decided('aws:1:sam:iam-group:d') },
  remindersSent: 0,
  timeline: [{ at: '2026-12-01T09:00:00.000Z', event: 'opened' }],
};

let client: Client;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
beforeAll(async () => {
  quietWorkerLogs();
  client = await suiteClient();
  connection = await NativeConnection.connect({ address: suiteValue('address') });
  worker = await Worker.create({
    connection,
    namespace: suiteValue('namespace'),
    taskQueue,
    workflowsPath: fileURLToPath(new URL('../fixtures/reviews/old-reviewer.ts', import.meta.url)),
    dataConverter: wardenDataConverter(suiteKeyring()),
  });
  running = worker.run();
}, 120_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await client?.connection.close();
});

describe('reading a reviewer whose worker predates the paged query', () => {
  it('reads the whole state in one query, and cuts a page from it; an unknown workflow is an error, not old code', async () => {
    // `stand-in-`: another workflow's code, left out of the replay test.
    const handle = await client.workflow.start('oldReviewerWorkflow', { taskQueue, workflowId: `stand-in-old-reviewer-${taskQueue}`, args: [state] });
    try {
      expect(await readReviewerPage(handle, 0)).toBeUndefined();
      expect(await readReviewerState(handle)).toEqual(state);
      const page = await readReviewerView(handle, { offset: 1, limit: 2 });
      expect(page).toMatchObject({ reviewer: 'rita', page: { offset: 1, limit: 2, total: 5, decided: 2 } });
      expect(page.items.map((i) => i.id)).toEqual(['aws:1:sam:iam-group:b', 'aws:1:sam:iam-group:c']);
      expect(Object.keys(page.decisions)).toEqual(['aws:1:sam:iam-group:b']);
      await expect(readReviewerPage(client.workflow.getHandle(`no-such-reviewer-${taskQueue}`), 0)).rejects.toBeInstanceOf(WorkflowNotFoundError);
    } finally {
      await handle.terminate('test done');
    }
  });
});
