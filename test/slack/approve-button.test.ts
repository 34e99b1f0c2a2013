import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../activities/incident/render/approval-blocks.js';
import { alert, startIncident, state, resolveAndClose } from '../helpers/incident.js';
import { uniqueTaskQueue, withWorker } from '../harness.js';
import { approval, approvalMessage, click, current, ephemeralsFrom, gatedPlaybook, startSlackHarness, votesOf, type SlackHarness } from './harness.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => h.close());

const QUORUM_2 = '{ groups: [security-oncall], quorum: 2, timeout: 10m, fourEyes: true }';
const contained = () => h.peers.http.requests.filter((r) => r.path === '/contain').length;

describe('Slack: the Approve button', () => {
  it('a click by an on-call approver records one vote via slack, re-renders the message without buttons, and the step runs', async () => {
    const told = ephemeralsFrom(h);
    const taskQueue = uniqueTaskQueue('slack-approve');
    const before = contained();
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url), alert(), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      expect(JSON.stringify(message.blocks)).toContain(APPROVE_ACTION);

      const res = await click(h, 'U0ALICE', message, APPROVE_ACTION);
      expect(res.status).toBe(200);

      const final = await resolveAndClose(handle);
      expect(votesOf(final, 'contain_host')).toEqual([['alice', 'approve', 'slack']]);
      expect(final.steps.contain_host!.status).toBe('applied');
      const shown = JSON.stringify(current(h, message).blocks);
      expect(shown).toContain('approved by alice via slack');
      expect(shown).not.toContain(APPROVE_ACTION);
      expect(told('U0ALICE')).toEqual([]);
    });
    expect(contained() - before).toBe(1);
  });

  it('a quorum of two: after alice the message shows one of two and keeps its buttons; bob’s click approves', async () => {
    const told = ephemeralsFrom(h);
    const taskQueue = uniqueTaskQueue('slack-quorum');
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url, QUORUM_2), alert(), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');

      expect((await click(h, 'U0ALICE', message, APPROVE_ACTION)).status).toBe(200);
      // processBeforeResponse: the answer comes after the Update and the re-render.
      expect(votesOf(await state(handle), 'contain_host')).toEqual([['alice', 'approve', 'slack']]);
      expect((await approval(handle, 'contain_host')).outcome).toBeUndefined();
      const halfway = JSON.stringify(current(h, message).blocks);
      expect(halfway).toContain('quorum 2 (1 so far)');
      expect(halfway).toContain(APPROVE_ACTION);

      expect((await click(h, 'U0BOB', message, APPROVE_ACTION)).status).toBe(200);
      const final = await resolveAndClose(handle);
      expect(votesOf(final, 'contain_host')).toEqual([
        ['alice', 'approve', 'slack'],
        ['bob', 'approve', 'slack'],
      ]);
      expect(final.steps.contain_host!.approval!.outcome).toBe('approved');
      expect(JSON.stringify(current(h, message).blocks)).not.toContain(APPROVE_ACTION);
      expect([...told('U0ALICE'), ...told('U0BOB')]).toEqual([]);
    });
  });

  it('refusals reach only the clicker, in plain words, and change nothing: wrong group, own request, unknown user, read-only identity, malformed button', async () => {
    const told = ephemeralsFrom(h);
    const taskQueue = uniqueTaskQueue('slack-refuse');
    const before = contained();
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url), alert(), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      const blocksBefore = JSON.stringify(current(h, message).blocks);
      const updatesBefore = h.peers.slack.calls.filter((c) => c.method === 'chat.update').length;

      expect((await click(h, 'U0MAL', message, APPROVE_ACTION)).status).toBe(200);
      expect((await click(h, 'U0CAROL', message, APPROVE_ACTION)).status).toBe(200);
      expect((await click(h, 'U0NOBODY', message, APPROVE_ACTION)).status).toBe(200);
      expect((await click(h, 'U0VERA', message, APPROVE_ACTION)).status).toBe(200);
      expect((await click(h, 'U0BOB', message, APPROVE_ACTION, { value: '{"incidentId":"x"}' })).status).toBe(200);

      const [mallory] = told('U0MAL');
      expect(mallory).toMatch(/not in a group that may decide/);
      expect(mallory).toMatch(/not in an allowed group: mallory is in none of security-oncall/);
      expect(told('U0CAROL')[0]).toMatch(/cannot approve own request/);
      expect(told('U0NOBODY')[0]).toMatch(/not a Warden identity: Slack user U0NOBODY/);
      expect(told('U0VERA')[0]).toBe('Your identity `vera` may not decide approvals (it needs the responder role); nothing was recorded.');
      expect(told('U0BOB')[0]).toMatch(/does not say which incident and step/);
      expect(h.peers.slack.ephemerals.filter((e) => ['U0MAL', 'U0CAROL', 'U0NOBODY', 'U0VERA', 'U0BOB'].includes(e.user)).every((e) => e.channel === message.channel)).toBe(true);

      const s = await state(handle);
      expect(votesOf(s, 'contain_host')).toEqual([]);
      expect(s.steps.contain_host!.status).toBe('awaiting-approval');
      expect(JSON.stringify(current(h, message).blocks)).toBe(blocksBefore);
      expect(h.peers.slack.calls.filter((c) => c.method === 'chat.update').length).toBe(updatesBefore);
      await handle.terminate('test done');
    });
    expect(contained() - before).toBe(0);
  });

  it('a double click (two identical posts at once) is one vote and one “already decided by you”', async () => {
    const told = ephemeralsFrom(h);
    const taskQueue = uniqueTaskQueue('slack-double');
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url, QUORUM_2), alert(), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      const answers = await Promise.all([click(h, 'U0ALICE', message, APPROVE_ACTION), click(h, 'U0ALICE', message, APPROVE_ACTION)]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect(votesOf(await state(handle), 'contain_host')).toEqual([['alice', 'approve', 'slack']]);
      expect(told('U0ALICE')).toHaveLength(1);
      expect(told('U0ALICE')[0]).toMatch(/already decided by you \(alice\)/);
      await handle.terminate('test done');
    });
  });

  it('a late click: after the step was decided it is “already decided”; after the incident closed it is “expired / already decided”', async () => {
    const told = ephemeralsFrom(h);
    const taskQueue = uniqueTaskQueue('slack-late');
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      // The approved step's HTTP call is held, so the incident stays open until released.
      let release = (): void => undefined;
      h.peers.http.route('POST /contain-held', { status: 200, hold: new Promise<void>((r) => (release = r)) });
      const pb = gatedPlaybook(h.peers.http.url, '{ groups: [security-oncall], quorum: 1, timeout: 10m }', '/contain-held');
      const handle = await startIncident(h.client, taskQueue, pb, alert(), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      const stale = { ...message };
      await click(h, 'U0ALICE', stale, APPROVE_ACTION);
      await expect.poll(async () => (await state(handle)).steps.contain_host!.status).toBe('running');
      await click(h, 'U0BOB', stale, APPROVE_ACTION);
      expect(told('U0BOB')[0]).toMatch(/already decided: step "contain_host" is approved/);

      release();
      await resolveAndClose(handle);
      await click(h, 'U0BOB', stale, APPROVE_ACTION);
      expect(told('U0BOB')[1]).toMatch(/is closed.*\n> expired \/ already decided/s);
      expect(votesOf(await state(handle), 'contain_host')).toEqual([['alice', 'approve', 'slack']]);
    });
  });
});
