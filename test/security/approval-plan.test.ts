/**
 * An approval is bound to the exact plan (issue #14, point 7): when a step's resolved parameters
 * change after the request (here, as further alerts arrive), the votes cast are void and the
 * approval is requested again for the new plan; a decision signed for another plan is refused
 * (see also forged-approval.test.ts). Dev server, the HTTP recorder as the peer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { alertSignal, type ApprovalRecord } from '../../contracts/incident.js';
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

/** Whether a decision was refused because the plan it was for was replaced (it then counts for nothing). */
const forReplacedPlan = (e: unknown): boolean => e instanceof WorkflowUpdateFailedError && /^plan changed/.test(e.cause?.message ?? '');

/** bob then alice approve the step's current plan, each for the plan they read; one vote alone never approves it. */
async function approveCurrentPlan(handle: WorkflowHandle): Promise<ApprovalRecord> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const record = (await state(handle)).steps.block!.approval;
    if (record?.outcome) return record;
    if (!record?.planDigest) {
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    const next = ['bob', 'alice'].find((id) => !record.votes.some((v) => v.approver === id))!;
    const after = await decide(handle, vote(next), record.planDigest).catch((e: unknown) => {
      if (forReplacedPlan(e)) return undefined;
      throw e;
    });
    if (after && next === 'bob') expect(after.outcome).toBeUndefined();
  }
  throw new Error('the step was not approved: its plan kept changing');
}

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
      // The new request, once opened, is for another plan (between the two there is no request at all).
      await expect
        .poll(
          async () => {
            const s = await state(handle);
            const digest = s.steps.block!.approval?.planDigest;
            return s.alerts.count === 151 && digest !== undefined && digest !== first.planDigest;
          },
          { timeout: 30_000 },
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

      // The new plan needs its own two approvals. Until the last alerts are counted a continue-as-new
      // may render it once more; a vote for a plan replaced meanwhile is refused and void, so each
      // approver votes on the plan as they read it, as a person would.
      const approved = await approveCurrentPlan(handle);
      expect(approved.votes.map((v) => v.approver)).toEqual(['bob', 'alice']);
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
