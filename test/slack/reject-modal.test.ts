import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION, REJECT_ACTION, REJECT_MODAL } from '../../activities/incident/render/approval-blocks.js';
import { alert, startIncident, state, resolveAndClose } from '../helpers/incident.js';
import { uniqueTaskQueue, withWorker } from '../harness.js';
import { approvalMessage, click, current, ephemeralsFrom, gatedPlaybook, startSlackHarness, submitModal, votesOf, type SlackHarness } from './harness.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => h.close());

const submit = (opened: Record<string, unknown>, user: string, reason: string) => submitModal(h, opened, user, reason);

describe('Slack: the Reject… button and its modal', () => {
  it('opens a modal asking for a reason; its submission rejects the step with that reason and re-renders the message', async () => {
    const taskQueue = uniqueTaskQueue('slack-reject');
    const before = h.peers.http.requests.filter((r) => r.path === '/contain').length;
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url), alert(), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      const viewsBefore = h.peers.slack.views.length;

      expect((await click(h, 'U0BOB', message, REJECT_ACTION)).status).toBe(200);
      expect(h.peers.slack.views).toHaveLength(viewsBefore + 1);
      const opened = h.peers.slack.views.at(-1)!;
      expect(opened.trigger_id).toMatch(/^\d+\.1700000000\./);
      expect(opened.view).toMatchObject({ type: 'modal', callback_id: REJECT_MODAL });
      expect(JSON.parse(opened.view.private_metadata as string)).toEqual({
        incidentId: (await state(handle)).incidentId,
        stepId: 'contain_host',
        // The plan the message showed: the rejection counts for this plan only.
        planDigest: (await state(handle)).steps.contain_host!.approval!.planDigest,
        message: { channel: message.channel, ts: message.ts },
      });
      const inputs = (opened.view.blocks as { type: string; optional?: boolean; element?: { type: string } }[]).filter((b) => b.type === 'input');
      expect(inputs).toHaveLength(1);
      expect(inputs[0]).toMatchObject({ element: { type: 'plain_text_input' } });
      expect(inputs[0]!.optional).toBeUndefined();
      // Opening the modal decides nothing.
      expect(votesOf(await state(handle), 'contain_host')).toEqual([]);

      const res = await submit(opened.view, 'U0BOB', 'false positive: the host is a honeypot');
      expect(res).toEqual({ status: 200, body: '' });
      const final = await resolveAndClose(handle);
      expect(final.steps.contain_host!.status).toBe('denied');
      expect(final.steps.contain_host!.approval!.votes).toMatchObject([{ approver: 'bob', decision: 'reject', via: 'slack', reason: 'false positive: the host is a honeypot' }]);
      const shown = JSON.stringify(current(h, message).blocks);
      expect(shown).toContain('rejected by bob via slack');
      expect(shown).toContain('false positive: the host is a honeypot');
      expect(shown).not.toContain(REJECT_ACTION);
    });
    expect(h.peers.http.requests.filter((r) => r.path === '/contain').length).toBe(before);
  });

  it('someone who may not decide gets no modal; a submission that comes too late is refused in the channel and changes nothing', async () => {
    const told = ephemeralsFrom(h);
    const taskQueue = uniqueTaskQueue('slack-reject-late');
    let release = (): void => undefined;
    h.peers.http.route('POST /contain-reject-held', { status: 200, hold: new Promise<void>((r) => (release = r)) });
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const pb = gatedPlaybook(h.peers.http.url, '{ groups: [security-oncall], quorum: 1, timeout: 10m }', '/contain-reject-held');
      const handle = await startIncident(h.client, taskQueue, pb, alert(), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      const viewsBefore = h.peers.slack.views.length;

      await click(h, 'U0NOBODY', message, REJECT_ACTION);
      expect(h.peers.slack.views).toHaveLength(viewsBefore);
      expect(told('U0NOBODY')[0]).toMatch(/not a Warden identity/);

      await click(h, 'U0ALICE', message, REJECT_ACTION);
      const opened = h.peers.slack.views.at(-1)!;
      await click(h, 'U0BOB', message, APPROVE_ACTION);
      await expect.poll(async () => (await state(handle)).steps.contain_host!.status).toBe('running');
      expect((await submit(opened.view, 'U0ALICE', 'too late')).status).toBe(200);
      expect(told('U0ALICE')[0]).toMatch(/already decided: step "contain_host"/);
      expect(h.peers.slack.ephemerals.at(-1)!.channel).toBe(message.channel);
      expect(votesOf(await state(handle), 'contain_host')).toEqual([['bob', 'approve', 'slack']]);
      release();
      expect((await resolveAndClose(handle)).steps.contain_host!.status).toBe('applied');
    });
  });
});
