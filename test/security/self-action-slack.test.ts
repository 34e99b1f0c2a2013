/**
 * No one decides on an incident about themselves, in Slack too (issue #14, point 4): the person an
 * incident's alert names is matched through the directory (their identity → person → AWS user),
 * and their Approve click is refused with nothing recorded, as the API refuses it. Real parts:
 * Bolt behind Warden's HTTP server with Slack-signed requests, the fake Slack Web API, the dev
 * server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../activities/incident/render/approval-blocks.js';
import type { Directory, Person } from '../../contracts/directory.js';
import { alertSignal } from '../../contracts/incident.js';
import { alert, startIncident, state } from '../helpers/incident.js';
import { uniqueTaskQueue, withWorker } from '../harness.js';
import { approvalMessage, click, ephemeralsFrom, gatedPlaybook, slashWarden, startSlackHarness, votesOf, type SlackHarness } from '../slack/harness.js';

const alice: Person = { id: 'alice', name: 'Alice', email: 'alice@example.com', aws: [{ account: '123456789012', userName: 'alice-ml' }], groups: [], roles: [] };
const bob: Person = { id: 'bob', name: 'Bob', email: 'bob@example.com', aws: [], groups: [], roles: [] };
const directory: Directory = { findPerson: (id) => Promise.resolve([alice, bob].find((p) => p.id === id)), listPeople: () => Promise.resolve([alice, bob]) };

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ directory });
});
afterAll(async () => h.close());

describe('Slack: the principal an incident names', () => {
  it("may not approve it: alice's click is refused and nothing is recorded; bob's counts", async () => {
    const told = ephemeralsFrom(h);
    const taskQueue = uniqueTaskQueue('slack-self');
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url), alert({ principal: { aws_user: 'alice-ml' } }), { openedBy: 'carol' });
      const message = await approvalMessage(h, handle, 'contain_host');

      expect((await click(h, 'U0ALICE', message, APPROVE_ACTION)).status).toBe(200);
      const id = handle.workflowId.replace(/^incident-/, '');
      const refused = `Incident \`${id}\` is about you (its alerts name \`alice\`): no one decides on an incident about themselves, so nothing was recorded.`;
      expect(told('U0ALICE')).toEqual([refused]);
      const after = await state(handle);
      expect(votesOf(after, 'contain_host')).toEqual([]);
      expect(after.steps.contain_host!.status).toBe('awaiting-approval');
      // Nor may she acknowledge it with /warden ack.
      const acked = await slashWarden(h, 'U0ALICE', `ack ${id}`);
      expect(acked.answers.map((a) => a.text)).toEqual([refused]);
      expect((await state(handle)).acknowledged).toBeUndefined();

      expect((await click(h, 'U0BOB', message, APPROVE_ACTION)).status).toBe(200);
      await expect.poll(async () => (await state(handle)).steps.contain_host!.status).toBe('applied');
      expect(votesOf(await state(handle), 'contain_host')).toEqual([['bob', 'approve', 'slack']]);
      await handle.terminate('test over');
    });
  });

  it('stays refused after later alerts pushed the one that named her out of the recent alerts', async () => {
    const told = ephemeralsFrom(h);
    const taskQueue = uniqueTaskQueue('slack-self-flood');
    await withWorker({ providers: h.peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(h.client, taskQueue, gatedPlaybook(h.peers.http.url), alert({ principal: { aws_user: 'alice-ml' } }), { openedBy: 'carol', limits: { maxRecentAlerts: 2 } });
      const message = await approvalMessage(h, handle, 'contain_host');
      for (let i = 0; i < 3; i++) await handle.signal(alertSignal, alert({ title: `noise ${i}`, principal: { ip: `203.0.113.${i}` } }));
      await expect.poll(async () => (await state(handle)).alerts.count).toBe(4);
      const flooded = await state(handle);
      expect(flooded.alerts.recent.map((a) => a.principal?.aws_user)).toEqual([undefined, undefined]);
      expect(flooded.principals).toContainEqual({ aws_user: 'alice-ml' });

      expect((await click(h, 'U0ALICE', message, APPROVE_ACTION)).status).toBe(200);
      expect(told('U0ALICE')[0]).toMatch(/is about you/);
      expect(votesOf(await state(handle), 'contain_host')).toEqual([]);
      await handle.terminate('test over');
    });
  });
});
