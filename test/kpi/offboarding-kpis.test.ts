/**
 * GET /v1/kpis, offboarding (issue #16, point 9): the time from the request to the last
 * revocation read back, from a real offboarding's recorded items (moto IAM, the GitHub fake),
 * found through visibility on the dev server.
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, suiteClient, uniqueTaskQueue, type TestWorker } from '../harness.js';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';
import { readKpis, viewerEnv } from './viewer.js';
import { inputFor, offboardingDeps, seedDeparting, startOffboarding, startWorld, waitForState, type OffboardingWorld } from '../offboarding/fixture.js';

const { env, token: VIEWER } = viewerEnv('offboarding');
const taskQueue = uniqueTaskQueue('kpi-offboarding');

let client: Client;
let w: OffboardingWorld;
let worker: TestWorker;
let warden: WardenServer;
beforeAll(async () => {
  [w, client] = await Promise.all([startWorld(), suiteClient()]);
  warden = await startWardenServer(client, taskQueue, env);
  worker = await startWorker(offboardingDeps(w.deps), { taskQueue });
}, 120_000);
afterAll(async () => {
  await worker?.shutdown();
  warden?.close();
  await w?.close();
  await client?.connection.close();
});

describe('GET /v1/kpis: offboarding', () => {
  it('measures from the request to the last revocation read back at its peer', async () => {
    const d = await seedDeparting(w);
    const handle = await startOffboarding(client, taskQueue, inputFor(d));
    const state = await waitForState(handle, (s) => s.phase === 'retention', 60_000);
    const revoke = state.items.filter((i) => i.stage === 'revoke');
    expect(revoke.length).toBeGreaterThan(5);
    expect(revoke.every((i) => i.status === 'done' && (i.outcome === 'changed' || i.outcome === 'already'))).toBe(true);
    const last = revoke
      .map((i) => i.finishedAt!)
      .sort()
      .at(-1)!;

    const report = await readKpis(warden.url, '?window=1h', VIEWER);
    const ours = report.offboarding.offboardings.find((o) => o.personId === d.person.id);
    // Every credential was revoked within seconds of the request: 0 whole minutes.
    expect(ours).toEqual({ personId: d.person.id, from: state.times.createdAt, lastRevocationAt: last, minutes: 0 });
    expect(Date.parse(last)).toBeGreaterThan(Date.parse(state.times.createdAt));
    expect(report.offboarding.sources.unreadable.filter((u) => u.workflowId.includes(d.person.id))).toEqual([]);
    await handle.terminate('test done');
  }, 120_000);
});
