import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION, REJECT_ACTION } from '../../activities/incident/render/approval-blocks.js';
import { REASON_BLOCK, REASON_INPUT } from '../../slack/reject-modal.js';
import { alert, startIncident, state, resolveAndClose } from '../helpers/incident.js';
import { uniqueTaskQueue, withWorker } from '../harness.js';
import type { FakeMessage } from '../peers/fake-slack.js';
import { approvalMessage, click, current, gatedPlaybook, SIGNING_SECRET, slashWarden, startSlackHarness, type SlackHarness } from './harness.js';
import { postInteraction } from './sign.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => h.close());

// Refused by the API's alert schema, so it can only arrive through a direct start: Warden must still render it inert.
const HOSTILE = 'Exfil from <!channel> <http://evil.example|click> & <@U0ALICE>';
const LIVE_MARKUP = /<!channel>|<!here>|<http|<@U/;

/** The texts of every text object in the blocks, by kind. */
function texts(blocks: unknown): { mrkdwn: string[]; plain: string[] } {
  const out = { mrkdwn: [] as string[], plain: [] as string[] };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const { type, text } = node as { type?: unknown; text?: unknown };
    if (type === 'mrkdwn' && typeof text === 'string') out.mrkdwn.push(text);
    if (type === 'plain_text' && typeof text === 'string') out.plain.push(text);
    Object.values(node).forEach(walk);
  };
  walk(blocks);
  return out;
}

function expectInert(message: FakeMessage): void {
  const t = texts(message.blocks);
  expect(t.mrkdwn.filter((s) => LIVE_MARKUP.test(s))).toEqual([]);
  expect(t.plain).toContain(HOSTILE);
}

describe('Slack: hostile alert text stays text', () => {
  it('the re-rendered message, a reject reason and the /warden show answer carry markup only escaped or as plain_text', async () => {
    const taskQueue = uniqueTaskQueue('slack-escape');
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const pb = gatedPlaybook(h.peers.http.url, '{ groups: [security-oncall], quorum: 2, timeout: 10m }');
      const handle = await startIncident(h.client, taskQueue, pb, alert({ title: HOSTILE }), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      const id = (await state(handle)).incidentId;
      expectInert(message);

      // Re-rendered by the Slack app after alice's vote.
      await click(h, 'U0ALICE', message, APPROVE_ACTION);
      const afterVote = current(h, message);
      expect(JSON.stringify(afterVote.blocks)).toContain('quorum 2 (1 so far)');
      expectInert(afterVote);

      const shown = (await slashWarden(h, 'U0ALICE', `show ${id}`)).answers[0]!.text!;
      expect(shown).toContain('Exfil from &lt;!channel&gt; &lt;http://evil.example|click&gt; &amp; &lt;@U0ALICE&gt;');
      expect(shown).not.toMatch(LIVE_MARKUP);

      // A reason typed into the reject modal is shown escaped too.
      await click(h, 'U0BOB', message, REJECT_ACTION);
      const opened = h.peers.slack.views.at(-1)!.view;
      const reason = '<!here> see <http://evil.example|this>';
      const submission = {
        type: 'view_submission',
        team: { id: 'T0WARDEN', domain: 'warden-test' },
        user: { id: 'U0BOB', username: 'bob', name: 'bob', team_id: 'T0WARDEN' },
        api_app_id: 'A0WARDEN',
        token: 'legacy-verification-token',
        trigger_id: '7.1700000000.bob',
        view: {
          ...opened,
          id: 'V0ESC',
          team_id: 'T0WARDEN',
          app_id: 'A0WARDEN',
          bot_id: 'B0WARDEN',
          hash: '1.a',
          state: { values: { [REASON_BLOCK]: { [REASON_INPUT]: { type: 'plain_text_input', value: reason } } } },
        },
        response_urls: [],
        is_enterprise_install: false,
      };
      expect((await postInteraction(h.eventsUrl, submission, { secret: SIGNING_SECRET })).status).toBe(200);
      const final = await resolveAndClose(handle);
      expect(final.steps.contain_host!.approval!.votes.at(-1)).toMatchObject({ approver: 'bob', decision: 'reject', reason });
      const rejected = current(h, message);
      expectInert(rejected);
      expect(texts(rejected.blocks).mrkdwn.join('\n')).toContain('&lt;!here&gt; see &lt;http://evil.example|this&gt;');
    });
  });
});
