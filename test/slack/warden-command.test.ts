import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../activities/incident/render/approval-blocks.js';
import { alert, startIncident, state, resolveAndClose } from '../helpers/incident.js';
import { uniqueTaskQueue, withWorker } from '../harness.js';
import { approvalMessage, current, gatedPlaybook, slashWarden, startSlackHarness, votesOf, type SlackHarness } from './harness.js';

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness();
});
afterAll(async () => h.close());

/** The one answer a command got, which must be ephemeral. */
async function ask(user: string, text: string): Promise<string> {
  const { http, answers } = await slashWarden(h, user, text);
  expect(http).toEqual({ status: 200, body: '' });
  expect(answers).toHaveLength(1);
  expect(answers[0]!.response_type).toBe('ephemeral');
  return answers[0]!.text ?? '';
}

describe('Slack: /warden ack', () => {
  it('acknowledges as the Warden identity (the first one is MTTA); a viewer is refused', async () => {
    const taskQueue = uniqueTaskQueue('slack-ack');
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url), alert(), { openedBy: 'carol' });
      await approvalMessage(h, handle, 'contain_host');
      const id = (await state(handle)).incidentId;

      expect(await ask('U0VERA', `ack ${id}`)).toBe('Your identity `vera` may not acknowledge incidents (it needs the responder role); nothing was recorded.');
      expect((await state(handle)).acknowledged).toBeUndefined();

      expect(await ask('U0ALICE', `ack ${id}`)).toMatch(new RegExp(`^Acknowledged incident \`${id}\` at \\d{4}-`));
      expect(await ask('U0CAROL', `ack ${id}`)).toMatch(/was already acknowledged by `alice` at /);
      const acked = await state(handle);
      expect(acked.acknowledged).toMatchObject({ by: 'alice' });
      expect(acked.times.acknowledgedAt).toBe(acked.acknowledged!.at);
      expect(await ask('U0ALICE', 'ack no-such-incident')).toBe('There is no open incident `no-such-incident`.');
      await handle.terminate('test over');
    });
  });
});

describe('Slack: /warden', () => {
  it('incidents, show ID and approve ID STEP answer only the asker; approve is the same Update as the button', async () => {
    const taskQueue = uniqueTaskQueue('slack-command');
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url), alert({ severity: 'critical' }), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');
      const id = (await state(handle)).incidentId;

      // Listing goes through Temporal's visibility, which catches up within moments.
      await expect.poll(() => ask('U0ALICE', 'incidents'), { timeout: 15_000 }).toContain(`\`${id}\` · awaiting-approval · critical · test-playbook`);

      const shown = await ask('U0ALICE', `show ${id}`);
      expect(shown).toContain(`*Incident* \`${id}\` · status awaiting-approval · phase contain · severity critical`);
      expect(shown).toContain('• `contain_host` HTTP request (http.request): awaiting-approval');
      expect(shown).toContain('• `wrap_up` Set incident severity (incident.setSeverity): pending');
      expect(shown).toMatch(/\*Pending approvals\*\n• `contain_host`: 0 of 1 approvals · approvers security-oncall · four-eyes · deadline \S+ · `\/warden approve t-\w+ contain_host`/);

      expect(await ask('U0MAL', `approve ${id} contain_host`)).toMatch(/not in an allowed group/);
      expect(await ask('U0CAROL', `approve ${id} contain_host`)).toMatch(/cannot approve own request/);
      expect(votesOf(await state(handle), 'contain_host')).toEqual([]);

      expect(await ask('U0ALICE', `approve ${id} contain_host`)).toBe(`Recorded: you approved step \`contain_host\` of incident \`${id}\` (the step is approved).`);
      const final = await resolveAndClose(handle);
      expect(votesOf(final, 'contain_host')).toEqual([['alice', 'approve', 'slack']]);
      expect(JSON.stringify(current(h, message).blocks)).not.toContain(APPROVE_ACTION);
      expect(await ask('U0BOB', `approve ${id} contain_host`)).toMatch(/expired \/ already decided/);
    });
  });

  it('help, an unknown subcommand, bad arguments, an unknown incident and an unknown person get plain answers', async () => {
    expect(await ask('U0ALICE', '')).toMatch(/^\*Warden\* — `\/warden <command>`/);
    expect(await ask('U0ALICE', 'help')).toContain('`approve ID STEP`');
    const unknown = await ask('U0ALICE', 'frobnicate <!channel>');
    expect(unknown).toMatch(/^Unknown command `frobnicate`\.\n\*Warden\*/);
    expect(await ask('U0ALICE', 'show')).toBe('Give an incident id: `/warden show ID`.');
    expect(await ask('U0ALICE', 'show ../../etc')).toBe('Give an incident id: `/warden show ID`.');
    expect(await ask('U0ALICE', 'approve t-1 Contain-Host')).toBe('Give the incident id and the step id: `/warden approve ID STEP`.');
    expect(await ask('U0ALICE', 'show t-nonexistent')).toBe('There is no incident `t-nonexistent`.');
    expect(await ask('U0ALICE', 'approve t-nonexistent contain_host')).toBe('There is no incident `t-nonexistent`.');
    expect(await ask('U0NOBODY', 'incidents')).toMatch(/not a Warden identity: Slack user U0NOBODY/);
  });
});
