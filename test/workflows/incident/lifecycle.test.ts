import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { alertSignal, cancelUpdate, noteUpdate, severityUpdate } from '../../../contracts/incident.js';
import { decide } from '../../helpers/decisions.js';
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

const containThenGate = (url: string) =>
  playbook(`${HEADER}
phases:
  contain:
    - id: block_ip
      action: http.request
      with: { url: "${url}/ip" }
      undo: { action: http.request, with: { method: DELETE, url: "${url}/ip/{{ self.output.body.rule }}" } }
    - id: block_user
      action: http.request
      with: { url: "${url}/user" }
      undo: { action: http.request, with: { method: DELETE, url: "${url}/user" } }
    - id: gate
      action: http.request
      with: { url: "${url}/gate" }
      approval: { groups: [security-oncall], timeout: 10m }
`);

describe('incident lifecycle', () => {
  it('cancel with rollback undoes every completed step in reverse order, rendering undo params from step outputs', async () => {
    const taskQueue = uniqueTaskQueue('cancel');
    peers.http.route('POST /ip', { status: 200, body: { rule: 'r-17' } });
    const before = peers.http.requests.length;
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, containThenGate(peers.http.url), alert());
      await expect.poll(async () => (await state(handle)).steps.gate!.status).toBe('awaiting-approval');
      await expect(handle.executeUpdate(cancelUpdate, { args: [{ by: 'erin', reason: '', rollback: true }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await handle.executeUpdate(cancelUpdate, { args: [{ by: 'erin', reason: 'false positive', rollback: true }] });
      // Each undo waits for its approval (the playbook's owners: its steps needed none), and erin asked for it.
      for (const id of ['undo_block_ip', 'undo_block_user']) await expect.poll(async () => (await state(handle)).steps[id]?.status).toBe('awaiting-approval');
      expect(peers.http.requests.slice(before).filter((r) => r.method === 'DELETE')).toEqual([]);
      const vote = (by: string, stepId: string) => decide(handle, { stepId, decision: 'approve', approver: { id: by, groups: ['security-oncall'] }, via: 'api', reason: 'false positive confirmed' });
      await expect(vote('erin', 'undo_block_ip')).rejects.toMatchObject({ cause: { message: expect.stringMatching(/cannot approve own request/) as unknown } });
      await vote('frank', 'undo_block_ip');
      await vote('frank', 'undo_block_user');
      const final = await resolveAndClose(handle);
      expect(final.status).toBe('cancelled');
      expect(final.steps.undo_block_ip).toMatchObject({ status: 'applied', approval: { requester: 'erin', outcome: 'approved' } });
      expect(final.cancel).toMatchObject({ by: 'erin', rollback: true });
      expect(final.steps.gate!.status).toBe('cancelled');
      expect(final.steps.gate!.approval!.outcome).toBe('cancelled');
      expect(final.steps.block_ip!.undo!.status).toBe('succeeded');
    });
    expect(peers.http.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /ip', 'POST /user', 'DELETE /user', 'DELETE /ip/r-17']);
  });

  it('cancel without rollback leaves completed containment in place', async () => {
    const taskQueue = uniqueTaskQueue('cancel-keep');
    const before = peers.http.requests.length;
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, containThenGate(peers.http.url), alert());
      await expect.poll(async () => (await state(handle)).steps.gate!.status).toBe('awaiting-approval');
      await handle.executeUpdate(cancelUpdate, { args: [{ by: 'erin', reason: 'handled elsewhere', rollback: false }] });
      expect((await resolveAndClose(handle)).status).toBe('cancelled');
    });
    expect(peers.http.requests.slice(before).filter((r) => r.method === 'DELETE')).toHaveLength(0);
  });

  it('keeps every alert counted through continue-as-new, the most recent in full, and still takes the decision', async () => {
    const taskQueue = uniqueTaskQueue('can');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, containThenGate(peers.http.url), alert({ title: 'first' }), { limits: { maxRecentAlerts: 10, continueAsNewAfterEvents: 120 } });
      await expect.poll(async () => (await state(handle)).steps.gate!.status).toBe('awaiting-approval');
      for (let i = 1; i <= 150; i++) await handle.signal(alertSignal, alert({ title: `repeat ${i}` }));
      await expect.poll(async () => (await state(handle)).runs, { timeout: 20_000 }).toBeGreaterThan(1);
      const s = await state(handle);
      expect(s.alerts.count).toBe(151);
      expect(s.alerts.recent).toHaveLength(10);
      expect(s.alerts.recent.at(-1)!.title).toBe('repeat 150');
      expect(s.steps.gate!.status).toBe('awaiting-approval');
      expect(s.steps.block_ip!.status).toBe('applied');
      // The decision reaches the continued run, and the template context still has the first alert.
      await decide(handle, { stepId: 'gate', decision: 'approve', via: 'api', approver: { id: 'alice', groups: ['security-oncall'] } });
      const final = await resolveAndClose(handle);
      expect(final.status).toBe('closed');
      expect(final.runs).toBeGreaterThan(1);
      expect(final.steps.gate!.status).toBe('applied');
      expect(final.timeline.some((t) => t.event.startsWith('continued as new'))).toBe(true);
    });
  });

  it('records notes and severity changes with who made them, and publishes search attributes', async () => {
    const taskQueue = uniqueTaskQueue('notes');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, containThenGate(peers.http.url), alert({ severity: 'medium' }));
      await expect.poll(async () => (await state(handle)).steps.gate!.status).toBe('awaiting-approval');
      expect(await handle.executeUpdate(noteUpdate, { args: [{ by: 'frank', text: 'checked the source IP' }] })).toBe(1);
      expect(await handle.executeUpdate(severityUpdate, { args: [{ by: 'frank', severity: 'critical', reason: 'production model' }] })).toBe('critical');
      const refused = await handle.executeUpdate(severityUpdate, { args: [{ by: 'frank', severity: 'urgent' as 'critical' }] }).catch((e: WorkflowUpdateFailedError) => e);
      expect((refused as WorkflowUpdateFailedError).cause?.message).toMatch(/unknown severity "urgent"/);
      const s = await state(handle);
      expect(s.notes[0]).toMatchObject({ by: 'frank', text: 'checked the source IP' });
      expect(s.timeline.some((t) => t.by === 'frank' && t.event.includes('medium → critical'))).toBe(true);
      await expect
        .poll(
          async () => {
            const found = [];
            for await (const wf of client.workflow.list({
              query: `WardenPlaybook = 'test-playbook' AND WardenStatus = 'awaiting-approval' AND WardenSeverity = 'critical' AND WardenPhase = 'contain'`,
            }))
              found.push(wf.workflowId);
            return found;
          },
          { timeout: 10_000 },
        )
        .toContain(handle.workflowId);
      await handle.executeUpdate(cancelUpdate, { args: [{ by: 'frank', reason: 'test done', rollback: false }] });
      await resolveAndClose(handle);
    });
  });

  it('a template that cannot be evaluated fails its step, not the workflow', async () => {
    const taskQueue = uniqueTaskQueue('tpl-error');
    const pb = playbook(`${HEADER}
phases:
  detect:
    - id: bad
      action: notify.slack
      onFailure: continue
      with: { channel: "#sec-incidents", text: "count {{ alert.details.count | number }}" }
`);
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const final = await resolveAndClose(await startIncident(client, taskQueue, pb, alert({ details: { count: 'many' } })));
      expect(final.steps.bad).toMatchObject({ status: 'failed', error: { type: 'TemplateError' } });
      expect(final.status).toBe('closed');
    });
  });
});
