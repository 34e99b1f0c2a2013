import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { ApprovalDecision } from '../../../contracts/incident.js';
import { decide as signed } from '../../helpers/decisions.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../../harness.js';
import { alert, HEADER, playbook, startIncident, startPeers, state, type Peers, resolveAndClose } from '../../helpers/incident.js';

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

const gated = (url: string, approval: string) =>
  playbook(`${HEADER}
phases:
  contain:
    - id: block
      action: http.request
      with: { url: "${url}/gated" }
      approval: ${approval}
  lessons:
    - id: done
      action: incident.setSeverity
      with: { severity: low }
`);

const decide = (over: Partial<ApprovalDecision> & { id?: string; groups?: string[] }): ApprovalDecision => ({
  stepId: 'block',
  decision: 'approve',
  via: 'api',
  approver: { id: over.id ?? 'alice', groups: over.groups ?? ['security-oncall'] },
  ...over,
});

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return String((err as WorkflowUpdateFailedError).cause?.message);
}

describe('approvals: the Update and its validator', () => {
  it('shows the dry-run plan, refuses the wrong people, and runs the step after a quorum of distinct approvers', async () => {
    const taskQueue = uniqueTaskQueue('approve');
    const pb = gated(peers.http.url, '{ groups: [security-oncall], quorum: 2, timeout: 5m, fourEyes: true }');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, pb, alert(), { openedBy: 'carol' });
      await expect.poll(async () => (await state(handle)).steps.block!.status).toBe('awaiting-approval');
      const waiting = await state(handle);
      expect(waiting.status).toBe('awaiting-approval');
      expect(waiting.steps.block!.plan).toEqual([`POST ${peers.http.url}/gated`]);
      expect(peers.http.requests.filter((r) => r.path === '/gated')).toHaveLength(0);
      // The request is a Block Kit message with the plan, the approvers and the buttons.
      await expect.poll(() => peers.slack.messages.find((m) => m.text.startsWith('Approval needed') && m.text.includes(waiting.incidentId))).toBeDefined();
      const request = peers.slack.messages.find((m) => m.text.startsWith('Approval needed') && m.text.includes(waiting.incidentId))!;
      const blocks = JSON.stringify(request.blocks);
      expect(blocks).toContain(`POST ${peers.http.url}/gated`);
      expect(blocks).toContain('quorum 2 (0 so far)');
      expect(blocks).toContain('warden_approve');

      expect(await refusal(signed(handle, decide({ id: 'mallory', groups: ['engineering'] })))).toMatch(/not in an allowed group/);
      expect(await refusal(signed(handle, decide({ id: 'carol' })))).toMatch(/cannot approve own request/);
      expect(await refusal(signed(handle, decide({ stepId: 'nope' })))).toMatch(/does not exist/);

      const first = await signed(handle, decide({ id: 'alice', via: 'slack' }));
      expect(first.outcome).toBeUndefined();
      // The message shows the tally as votes come, before the quorum settles it.
      await expect.poll(() => JSON.stringify(peers.slack.messages.find((m) => m.ts === request.ts)?.blocks)).toContain('quorum 2 (1 so far)');
      expect(await refusal(signed(handle, decide({ id: 'alice' })))).toMatch(/already decided by you/);
      const second = await signed(handle, decide({ id: 'bob', via: 'cli' }));
      expect(second.outcome).toBe('approved');

      const final = await resolveAndClose(handle);
      expect(final.steps.block!.status).toBe('applied');
      expect(final.steps.block!.approval!.votes.map((v) => [v.approver, v.via])).toEqual([
        ['alice', 'slack'],
        ['bob', 'cli'],
      ]);
      // The message was re-rendered in place from the state (no buttons left), and its thread tells the outcome.
      const shown = final.steps.block!.approval!.slack!;
      const message = peers.slack.messages.find((m) => m.ts === shown.ts)!;
      expect(JSON.stringify(message.blocks)).toContain('approved by bob via cli');
      expect(JSON.stringify(message.blocks)).not.toContain('warden_approve');
      const thread = peers.slack.messages.filter((m) => m.thread_ts === shown.ts).map((m) => m.text);
      expect(thread).toEqual(['approved by bob via cli', 'Step block applied']);
      expect(final.times.firstHumanActionAt).toBeDefined();
      await expect(signed(handle, decide({ id: 'dave' }))).rejects.toThrow(/already completed/);
    });
    expect(peers.http.requests.filter((r) => r.path === '/gated')).toHaveLength(1);
  });

  it('a rejection, with its reason, keeps the step from running', async () => {
    const taskQueue = uniqueTaskQueue('reject');
    const before = peers.http.requests.length;
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, gated(peers.http.url, '{ groups: [security-oncall] }'), alert());
      await expect.poll(async () => (await state(handle)).steps.block!.status).toBe('awaiting-approval');
      await signed(handle, decide({ decision: 'reject', reason: 'false positive' }));
      const final = await resolveAndClose(handle);
      expect(final.steps.block!.status).toBe('denied');
      expect(final.steps.block!.approval!.votes[0]).toMatchObject({ decision: 'reject', reason: 'false positive' });
      expect(final.status).toBe('closed');
    });
    expect(peers.http.requests.slice(before).filter((r) => r.path === '/gated')).toHaveLength(0);
  });
});

describe('approvals: concurrent decisions', () => {
  it('three people deciding a quorum-1 step at once: exactly one decision counts, the others are refused', async () => {
    const taskQueue = uniqueTaskQueue('race');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      for (let round = 0; round < 3; round++) {
        const handle = await startIncident(client, taskQueue, gated(peers.http.url, '{ groups: [security-oncall], timeout: 5m }'), alert());
        await expect.poll(async () => (await state(handle)).steps.block!.status).toBe('awaiting-approval');
        const decisions = await Promise.allSettled([
          signed(handle, decide({ id: 'alice' })),
          signed(handle, decide({ id: 'bob', decision: 'reject', reason: 'no' })),
          signed(handle, decide({ id: 'dave' })),
        ]);
        expect(decisions.filter((d) => d.status === 'fulfilled')).toHaveLength(1);
        const final = await resolveAndClose(handle);
        const record = final.steps.block!.approval!;
        expect(record.votes).toHaveLength(1);
        expect(record.outcome).toBe(record.votes[0]!.decision === 'approve' ? 'approved' : 'rejected');
        expect(final.steps.block!.status).toBe(record.outcome === 'approved' ? 'applied' : 'denied');
      }
    });
  });
});

describe('approvals: time', () => {
  it('onTimeout reject: a reminder goes out before the deadline, then the deadline rejects', async () => {
    const taskQueue = uniqueTaskQueue('timeout-reject');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, gated(peers.http.url, '{ groups: [security-oncall], timeout: 3s, reminders: [2s], onTimeout: reject }'), alert());
      const final = await resolveAndClose(handle);
      expect(final.steps.block!.approval!.outcome).toBe('timeout-rejected');
      expect(final.steps.block!.status).toBe('denied');
      expect(final.steps.block!.approval!.remindersSent).toEqual(['0:2s']);
      const thread = peers.slack.messages.filter((m) => m.thread_ts === final.steps.block!.approval!.slack!.ts).map((m) => m.text);
      expect(thread[0]).toMatch(/^Reminder: approval still needed: approvers security-oncall/);
      expect(thread.at(-1)).toBe('timeout-rejected');
    });
  });

  it('onTimeout approve: the step runs when nobody answers', async () => {
    const taskQueue = uniqueTaskQueue('timeout-approve');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const final = await resolveAndClose(await startIncident(client, taskQueue, gated(peers.http.url, '{ groups: [security-oncall], timeout: 1s, onTimeout: approve }'), alert()));
      expect(final.steps.block!.approval!.outcome).toBe('timeout-approved');
      expect(final.steps.block!.status).toBe('applied');
    });
  });

  it('onTimeout escalate: the next group in the chain may approve after the first deadline', async () => {
    const taskQueue = uniqueTaskQueue('escalate');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, gated(peers.http.url, '{ groups: [security-oncall], timeout: 2s, escalation: [security-leads], onTimeout: escalate }'), alert());
      await expect.poll(async () => (await state(handle)).steps.block!.approval?.escalationLevel, { timeout: 10_000 }).toBe(1);
      await expect.poll(() => peers.slack.messages.some((m) => /Escalated: approval needed/.test(m.text) && m.text.includes('security-leads'))).toBe(true);
      const decided = await signed(handle, decide({ id: 'lead', groups: ['security-leads'] }));
      expect(decided.outcome).toBe('approved');
      expect((await resolveAndClose(handle)).steps.block!.status).toBe('applied');
    });
  });

  it('escalation exhausted: rejects at the last deadline', async () => {
    const taskQueue = uniqueTaskQueue('escalate-out');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const final = await resolveAndClose(
        await startIncident(client, taskQueue, gated(peers.http.url, '{ groups: [security-oncall], timeout: 1s, escalation: [security-leads], onTimeout: escalate }'), alert()),
      );
      expect(final.steps.block!.approval).toMatchObject({ escalationLevel: 1, outcome: 'timeout-rejected' });
    });
  });
});
