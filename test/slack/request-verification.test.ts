import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../activities/incident/render/approval-blocks.js';
import { alert, startIncident, state, resolveAndClose } from '../helpers/incident.js';
import { uniqueTaskQueue, withWorker } from '../harness.js';
import { approvalMessage, click, clickPayload, current, ephemeralsFrom, gatedPlaybook, SIGNING_SECRET, startSlackHarness, votesOf, type SlackHarness } from './harness.js';
import { postSigned, slackSignature } from './sign.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => h.close());

const QUORUM_2 = '{ groups: [security-oncall], quorum: 2, timeout: 10m, fourEyes: true }';
const now = () => Math.floor(Date.now() / 1000);

describe('Slack: only requests signed by Slack count, and a retry counts once', () => {
  it('a forged signature, a tampered body, a missing signature and a 6-minute-old timestamp get 401 and change nothing', async () => {
    const taskQueue = uniqueTaskQueue('slack-forged');
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url), alert(), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      const callsBefore = h.peers.slack.calls.length;
      const blocksBefore = JSON.stringify(current(h, message).blocks);
      const form = new URLSearchParams({ payload: JSON.stringify(clickPayload(h, 'U0ALICE', message, APPROVE_ACTION)) });
      const ts = now();

      const forged = await click(h, 'U0ALICE', message, APPROVE_ACTION, { signature: slackSignature('not-the-signing-secret', ts, form.toString()), timestamp: ts });
      const tampered = await postSigned(h.eventsUrl, form, { secret: SIGNING_SECRET, timestamp: ts, signature: slackSignature(SIGNING_SECRET, ts, `${form.toString()}&x=1`) });
      const unsigned = await postSigned(h.eventsUrl, form, { secret: SIGNING_SECRET, signature: '' });
      const stale = await click(h, 'U0ALICE', message, APPROVE_ACTION, { timestamp: now() - 6 * 60 });
      expect([forged.status, tampered.status, unsigned.status, stale.status]).toEqual([401, 401, 401, 401]);

      const s = await state(handle);
      expect(votesOf(s, 'contain_host')).toEqual([]);
      expect(s.steps.contain_host!.status).toBe('awaiting-approval');
      expect(h.peers.slack.calls.length).toBe(callsBefore);
      expect(JSON.stringify(current(h, message).blocks)).toBe(blocksBefore);
      expect(h.logs.filter((l) => l.includes('Failed to verify authenticity'))).toHaveLength(4);
      expect(h.logs.join('\n')).not.toContain(SIGNING_SECRET);

      // The same click, signed right and fresh, counts.
      expect((await click(h, 'U0ALICE', message, APPROVE_ACTION)).status).toBe(200);
      expect(votesOf(await state(handle), 'contain_host')).toEqual([['alice', 'approve', 'slack']]);
    });
  });

  it('Slack’s retry of the same click (x-slack-retry-num: 1, http_timeout) is one vote and no complaint; a retry whose first delivery was lost counts', async () => {
    const told = ephemeralsFrom(h);
    const taskQueue = uniqueTaskQueue('slack-retry');
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url, QUORUM_2), alert(), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      const form = new URLSearchParams({ payload: JSON.stringify(clickPayload(h, 'U0ALICE', message, APPROVE_ACTION)) });

      expect((await postSigned(h.eventsUrl, form, { secret: SIGNING_SECRET })).status).toBe(200);
      const retry = await postSigned(h.eventsUrl, form, { secret: SIGNING_SECRET, retry: { num: 1, reason: 'http_timeout' } });
      expect(retry.status).toBe(200);
      expect(votesOf(await state(handle), 'contain_host')).toEqual([['alice', 'approve', 'slack']]);
      expect(told('U0ALICE')).toEqual([]);
      expect(JSON.stringify(current(h, message).blocks)).toContain('quorum 2 (1 so far)');

      expect((await click(h, 'U0BOB', message, APPROVE_ACTION, { retry: { num: 2, reason: 'http_timeout' } })).status).toBe(200);
      const final = await resolveAndClose(handle);
      expect(votesOf(final, 'contain_host')).toEqual([
        ['alice', 'approve', 'slack'],
        ['bob', 'approve', 'slack'],
      ]);
      expect(told('U0BOB')).toEqual([]);
    });
  });
});
