/**
 * An approval is bound to the exact plan (issue #14, point 7): when a step's resolved parameters
 * change after the request (here, as further alerts arrive), the votes cast are void and the
 * approval is requested again for the new plan; a decision signed for another plan is refused
 * (see also forged-approval.test.ts). Dev server, the HTTP recorder as the peer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { alertSignal } from '../../contracts/incident.js';
import { decide } from '../helpers/decisions.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { alert, HEADER, playbook, startIncident, startPeers, state, type Peers } from '../helpers/incident.js';

let client: Client;
let peers: Peers;
beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
});
afterAll(async () => {
  await peers.close();
  await client.connection.close();
});

/** A step whose resolved parameters change as alerts arrive (the count is in its URL). */
const counting = (url: string) =>
  playbook(`${HEADER}
phases:
  contain:
    - id: block
      action: http.request
      with: { url: "${url}/block?alerts={{ incident.alertCount }}" }
      approval: { groups: [security-oncall], quorum: 2, timeout: 1h }
`);

const vote = (id: string) => ({ stepId: 'block', decision: 'approve' as const, via: 'api' as const, approver: { id, groups: ['security-oncall'] } });

describe('an approval is bound to its exact plan', () => {
  it('shows the plan digest; when the plan changes after the request the votes are void, a decision for the old plan is refused, and the new plan needs its own quorum', async () => {
    const taskQueue = uniqueTaskQueue('plan-bound');
    const before = peers.http.requests.length;
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, counting(peers.http.url), alert(), { limits: { continueAsNewAfterEvents: 120 } });
      await expect.poll(async () => (await state(handle)).steps.block!.status).toBe('awaiting-approval');
      const first = (await state(handle)).steps.block!.approval!;
      expect(first.planDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      // The request names the plan it is for.
      await expect.poll(() => peers.slack.messages.some((m) => JSON.stringify(m).includes(first.planDigest!))).toBe(true);
      expect((await decide(handle, vote('alice'))).votes).toHaveLength(1);

      // More alerts arrive; the run continues as new and re-renders the step: its URL now counts more alerts.
      for (let i = 1; i <= 150; i++) await handle.signal(alertSignal, alert({ title: `repeat ${i}` }));
      await expect.poll(async () => (await state(handle)).runs, { timeout: 20_000 }).toBeGreaterThan(1);
      // The new request, once opened, is for another plan (between the two there is no request at
      // all). Wait until every alert is in and the plan has stopped changing: each continue-as-new
      // re-renders it with the alerts counted so far.
      let settled = first.planDigest;
      await expect
        .poll(
          async () => {
            const s = await state(handle);
            const digest = s.steps.block!.approval?.planDigest;
            const stable = digest !== undefined && digest === settled && s.alerts.count === 151;
            settled = digest;
            return stable && digest !== first.planDigest;
          },
          { timeout: 30_000, interval: 1_000 },
        )
        .toBe(true);
      const second = (await state(handle)).steps.block!.approval!;
      expect(second.votes).toEqual([]);
      expect((await state(handle)).timeline.some((t) => t.event.includes('vote(s) void'))).toBe(true);

      // bob saw the old plan: his decision is refused.
      const stale = await decide(handle, vote('bob'), first.planDigest).catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((stale as WorkflowUpdateFailedError).cause?.message).toMatch(/^plan changed/);
      expect(peers.http.requests.slice(before).filter((r) => r.path.includes('/block'))).toHaveLength(0);

      // The new plan needs its own two approvals.
      expect((await decide(handle, vote('bob'))).outcome).toBeUndefined();
      expect((await decide(handle, vote('alice'))).outcome).toBe('approved');
      await expect.poll(async () => (await state(handle)).steps.block!.status, { timeout: 20_000 }).toBe('applied');
      await handle.terminate('test over');
    });
    // It ran once, with the plan the second quorum approved (rendered at the continue-as-new, not the first alert's).
    const ran = peers.http.requests
      .slice(before)
      .map((r) => r.path)
      .filter((u) => u.includes('/block'));
    expect(ran).toHaveLength(1);
    expect(Number(/alerts=(\d+)/.exec(ran[0]!)![1])).toBeGreaterThan(1);
  });
});
