import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../activities/incident/render/approval-blocks.js';
import { alert, startIncident, state } from '../helpers/incident.js';
import { postInteraction } from '../slack/sign.js';
import { uniqueTaskQueue, withWorker } from '../harness.js';
import { approvalMessage, click, clickPayload, ephemeralsFrom, gatedPlaybook, SIGNING_SECRET, startSlackHarness, votesOf, type SlackHarness } from '../slack/harness.js';

/**
 * A Slack user id means something only in its own workspace, and a person an offboarding cut off
 * is cut off in Slack too. Both attacks are real Slack-signed requests through Bolt; neither
 * leaves a vote, and the gated call never reaches its peer.
 */
let h: SlackHarness;
beforeAll(async () => {
  // bob's Warden access was revoked by his offboarding.
  h = await startSlackHarness({ revokedBy: (id) => (id === 'bob' ? 'bob' : undefined) });
});
afterAll(async () => h.close());

const contained = () => h.peers.http.requests.filter((r) => r.path === '/contain').length;

describe('Slack: the workspace and revoked people', () => {
  it("refuses a click signed with the app's secret from another workspace, for a user id that exists in Warden's", async () => {
    const taskQueue = uniqueTaskQueue('slack-team');
    const before = contained();
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url), alert(), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      const payload = clickPayload(h, 'U0ALICE', message, APPROVE_ACTION);
      const foreign = { ...payload, team: { id: 'T0OTHER', domain: 'elsewhere' }, user: { ...(payload.user as object), team_id: 'T0OTHER' } };
      expect((await postInteraction(h.eventsUrl, foreign, { secret: SIGNING_SECRET })).status).toBe(200);
      await expect.poll(() => h.logs.some((l) => l.includes('T0OTHER, not T0WARDEN (slack.team_id): refused'))).toBe(true);
      const s = await state(handle);
      expect(votesOf(s, 'contain_host')).toEqual([]);
      expect(s.steps.contain_host!.status).toBe('awaiting-approval');
      await handle.terminate('test done');
    });
    expect(contained() - before).toBe(0);
  });

  it('refuses a person whose Warden access an offboarding revoked, and tells them why', async () => {
    const told = ephemeralsFrom(h);
    const taskQueue = uniqueTaskQueue('slack-revoked');
    const before = contained();
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url), alert(), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      expect((await click(h, 'U0BOB', message, APPROVE_ACTION)).status).toBe(200);
      expect(told('U0BOB')[0]).toMatch(/revoked: the Warden access of bob was revoked by offboarding-bob/);
      expect(votesOf(await state(handle), 'contain_host')).toEqual([]);
      await handle.terminate('test done');
    });
    expect(contained() - before).toBe(0);
  });
});
