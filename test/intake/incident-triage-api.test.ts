/**
 * The triage routes (issue #15, point 3) over the real HTTP app and dev server: who may triage,
 * what each body needs, where a merge may go, and which playbooks may be started.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentStateQuery, type IncidentState } from '../../contracts/incident.js';
import { loadPlaybooks } from '../../playbook/load.js';
import { alert, resolveAndClose, startIncident, startPeers, type Peers } from '../helpers/incident.js';
import { startIntake, tokens, type IntakeServer } from '../helpers/intake.js';
import { suiteClient, withWorker } from '../harness.js';

let client: Client;
let peers: Peers;
let intake: IntakeServer;
beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
  intake = await startIntake(client);
}, 120_000);
afterAll(async () => {
  intake.close();
  await peers.close();
  await client.connection.close();
});

const shipped = loadPlaybooks(['playbooks']).playbooks;
const triage = shipped.find((p) => p.playbook.id === 'triage')!;
const post = (token: string, id: string, what: string, body: unknown) =>
  fetch(`${intake.url}/v1/incidents/${id}/${what}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
const answer = async (res: Response) => ({ status: res.status, body: (await res.json()) as { error?: string; details?: { path: string; message: string }[] } & Record<string, unknown> });
const idOf = (handle: WorkflowHandle) => handle.workflowId.replace(/^incident-/, '');
const stateOf = (handle: WorkflowHandle): Promise<IncidentState> => handle.query(incidentStateQuery);

async function waitingTriage(): Promise<WorkflowHandle> {
  const handle = await startIncident(client, intake.taskQueue, triage, alert({ type: 'nothing.matches', severity: 'medium', title: 'unmatched' }));
  await expect.poll(async () => (await stateOf(handle)).awaiting, { timeout: 20_000 }).toBe('resolution');
  return handle;
}

describe('triage over the API', () => {
  it('refuses a viewer (403), a false positive without a reason (400), a merge into itself (400) or into no incident (404), an unknown playbook (400)', async () => {
    await withWorker({ providers: peers.deps }, { taskQueue: intake.taskQueue }, async () => {
      const handle = await waitingTriage();
      const id = idOf(handle);
      for (const [what, body] of [
        ['acknowledge', {}],
        ['false-positive', { reason: 'noise' }],
        ['merge', { into: 'inc-elsewhere' }],
        ['playbook', { playbook: 'leaked-credential' }],
      ] as const) {
        expect((await post(tokens.viewer, id, what, body)).status, what).toBe(403);
      }
      const noReason = await answer(await post(tokens.oncall, id, 'false-positive', {}));
      expect(noReason.status).toBe(400);
      expect(noReason.body.details?.[0]?.path).toBe('reason');
      const blank = await answer(await post(tokens.oncall, id, 'false-positive', { reason: '   ' }));
      expect(blank.status).toBe(400);
      const self = await answer(await post(tokens.oncall, id, 'merge', { into: id }));
      expect(self).toMatchObject({ status: 400, body: { error: 'an incident cannot be merged into itself', details: [{ path: 'into' }] } });
      const missing = await answer(await post(tokens.oncall, id, 'merge', { into: 'inc-does-not-exist-0' }));
      expect(missing).toMatchObject({ status: 404, body: { error: 'no such incident: inc-does-not-exist-0 (the merge target)' } });
      const unknown = await answer(await post(tokens.oncall, id, 'playbook', { playbook: 'no-such-playbook' }));
      expect(unknown).toMatchObject({ status: 400, body: { error: 'no playbook "no-such-playbook" is loaded', details: [{ path: 'playbook' }] } });
      expect((await post(tokens.oncall, 'inc-nothing-here', 'acknowledge', {})).status).toBe(404);
      const s = await stateOf(handle);
      expect(s.acknowledged).toBeUndefined();
      expect(s.falsePositive).toBeUndefined();
      expect(s.mergedInto).toBeUndefined();
      expect(s.status).not.toBe('false_positive');

      const acked = await answer(await post(tokens.oncall, id, 'acknowledge', {}));
      expect(acked).toMatchObject({ status: 200, body: { acknowledged: { by: 'olga' } } });
      expect(acked.body.mttaMs).toBeGreaterThanOrEqual(0);
      expect((await answer(await post(tokens.oncall2, id, 'acknowledge', {}))).body.acknowledged).toEqual(acked.body.acknowledged);
      expect((await post(tokens.oncall, id, 'false-positive', { reason: 'a scanner test' })).status).toBe(200);
      expect(((await handle.result()) as IncidentState).status).toBe('false_positive');
      expect((await answer(await post(tokens.oncall, id, 'false-positive', { reason: 'again' }))).status).toBe(409);
    });
  });

  it('merges into an open incident once (a repeat changes nothing), refuses a closed target (409), and starts a playbook only in a triage incident (409)', async () => {
    await withWorker({ providers: peers.deps }, { taskQueue: intake.taskQueue }, async () => {
      const target = await waitingTriage();
      const source = await waitingTriage();
      const merge = () => post(tokens.oncall, idOf(source), 'merge', { into: idOf(target), reason: 'same scanner' });
      expect(await answer(await merge())).toMatchObject({ status: 200, body: { status: 'merged', mergedInto: idOf(target), targetAlerts: 2 } });
      expect(await answer(await merge())).toMatchObject({ status: 200, body: { status: 'merged', targetAlerts: 2 } });
      expect((await stateOf(source)).mergedInto).toMatchObject({ incidentId: idOf(target), by: 'olga' });
      expect((await stateOf(target)).mergedFrom).toHaveLength(1);

      const started = await answer(await post(tokens.oncall, idOf(target), 'playbook', { playbook: 'leaked-credential', reason: 'it was a key' }));
      expect(started).toMatchObject({ status: 200, body: { playbook: 'leaked-credential' } });
      await expect.poll(async () => (await stateOf(target)).playbook.id, { timeout: 20_000 }).toBe('leaked-credential');
      // Its detection snapshot is its own evidence, beside the triage's (evidence is write-once).
      await expect.poll(async () => (await stateOf(target)).steps.snapshot_detection?.status, { timeout: 20_000 }).toBe('applied');
      const steps = (await stateOf(target)).steps;
      expect((steps.snapshot_detection!.output as { key: string }).key).toBe(`incidents/${idOf(target)}/leaked-credential.snapshot_detection-detection.json`);
      expect((steps['triage/snapshot_detection']!.output as { key: string }).key).toBe(`incidents/${idOf(target)}/snapshot_detection-detection.json`);
      const again = await answer(await post(tokens.oncall, idOf(target), 'playbook', { playbook: 'leaked-credential' }));
      expect(again.status).toBe(409);
      expect(again.body.error).toMatch(/runs playbook leaked-credential: a playbook can be started only in a triage incident/);
      await target.terminate('test over');

      const closed = await waitingTriage();
      await resolveAndClose(closed);
      const late = await waitingTriage();
      const refused = await answer(await post(tokens.oncall, idOf(late), 'merge', { into: idOf(closed) }));
      expect(refused).toMatchObject({ status: 409, body: { error: `incident ${idOf(closed)} is already closed: merge into an open incident` } });
      expect((await stateOf(late)).mergedInto).toBeUndefined();
      await late.terminate('test over');
    });
  });
});
