/**
 * Issue #15, point 3: triage waits for a person, who acknowledges it (the first one is MTTA),
 * marks it a false positive, merges it into another incident, or starts a playbook in it. The
 * shipped triage playbook on the real dev server, the Slack-protocol fake, local evidence.
 */
import type { Client, WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepActionUpdate } from '../../../contracts/incident.js';
import { acknowledgeUpdate, mergeInUpdate, mttaMs, triageUpdate, type TriageRequest } from '../../../contracts/incident-triage.js';
import { loadPlaybooks } from '../../../playbook/load.js';
import type { incidentWorkflow } from '../../../workflows/incident/incident.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../../harness.js';
import { alert, HEADER, playbook, resolveAndClose, startIncident, startPeers, state, type Peers } from '../../helpers/incident.js';

let client: Client;
let peers: Peers;
beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
}, 120_000);
afterAll(async () => {
  await peers.close();
  await client.connection.close();
});

const shipped = loadPlaybooks(['playbooks']).playbooks;
const triage = shipped.find((p) => p.playbook.id === 'triage')!;
/** A playbook a person may start in a triage incident; its detect step shares an id with the triage's. */
const handling = playbook(`${HEADER}
phases:
  detect:
    - id: snapshot_detection
      action: notify.slack
      with: { channel: "#sec-incidents", text: "now handled by the test playbook: {{ incident.id }}" }
  contain:
    - id: tell
      action: notify.slack
      with: { channel: "#sec-incidents", text: "contained {{ incident.id }}" }
`);
/** A live incident that waits in contain for a person: its step's provider (AWS) is not configured. */
const waitsInContain = playbook(`${HEADER}
phases:
  contain:
    - id: disable_key
      action: aws.disableAccessKey
      with: { userName: dana, accessKeyId: AKIAEXAMPLE000000077 }
`);

const refusalOf = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: WorkflowUpdateFailedError) => e.cause?.message ?? String(e),
  );
const triageOf = (handle: WorkflowHandle, req: TriageRequest) => handle.executeUpdate(triageUpdate, { args: [req] });
const untriaged = (over = {}) => alert({ type: 'nothing.matches', severity: 'medium', title: 'unmatched', ...over });
/** A triage incident once it waits for a person (its detect steps ran). */
async function waitingTriage(taskQueue: string, over = {}): Promise<WorkflowHandle<typeof incidentWorkflow>> {
  const handle = await startIncident(client, taskQueue, triage, untriaged(over));
  await expect.poll(async () => (await state(handle)).awaiting, { timeout: 20_000 }).toBe('resolution');
  return handle;
}
const idOf = (handle: WorkflowHandle) => handle.workflowId.replace(/^incident-/, '');

describe('acknowledge', () => {
  it('any open incident: the first acknowledgement is recorded (MTTA); a later one by another person does not move it', async () => {
    const taskQueue = uniqueTaskQueue('ack');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await startIncident(client, taskQueue, waitsInContain, alert());
      await expect.poll(async () => (await state(handle)).status, { timeout: 20_000 }).toBe('waiting');
      expect((await state(handle)).acknowledged).toBeUndefined();
      const first = await handle.executeUpdate(acknowledgeUpdate, { args: [{ by: 'olga' }] });
      expect(first.by).toBe('olga');
      const again = await handle.executeUpdate(acknowledgeUpdate, { args: [{ by: 'otto' }] });
      expect(again).toEqual(first);
      const s = await state(handle);
      expect(s.acknowledged).toEqual(first);
      expect(s.times.acknowledgedAt).toBe(first.at);
      expect(mttaMs(s)).toBe(Date.parse(first.at) - Date.parse(s.times.detectedAt));
      expect(s.timeline.filter((t) => t.event.startsWith('acknowledged')).map((t) => t.by)).toEqual(['olga', 'otto']);
      // A step that waits for a person is not the incident's triage: it is refused until the step is settled.
      expect(await refusalOf(triageOf(handle, { action: 'false_positive', by: 'olga', reason: 'test' }))).toMatch(
        /incident is waiting in phase contain: it can be triaged once its steps up to recover are settled/,
      );
      expect(await refusalOf(handle.executeUpdate(acknowledgeUpdate, { args: [{ by: '' }] }))).toMatch(/needs "by"/);
      await handle.executeUpdate(stepActionUpdate, { args: [{ stepId: 'disable_key', action: 'skip', by: 'olga', text: 'no such key' }] });
      const final = await resolveAndClose(handle);
      expect(final.status).toBe('closed');
      expect(final.acknowledged).toEqual(first);
    });
  });
});

describe('triage of an incident no playbook matched', () => {
  it('a false positive needs a reason, ends the incident without lessons, and moves no KPI time; the validator refuses what does not fit', async () => {
    const taskQueue = uniqueTaskQueue('fp');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const handle = await waitingTriage(taskQueue);
      const s = await state(handle);
      expect(s.steps.page_oncall!.status).toBe('applied');
      expect(await refusalOf(triageOf(handle, { action: 'false_positive', by: 'olga', reason: ' ' }))).toMatch(/false_positive needs a reason/);
      expect(await refusalOf(triageOf(handle, { action: 'merge', by: 'olga', mergeInto: idOf(handle) }))).toMatch(/cannot be merged into itself/);
      expect(await refusalOf(triageOf(handle, { action: 'bogus', by: 'olga' } as unknown as TriageRequest))).toMatch(/action "bogus" is not one of false_positive, merge, start_playbook/);
      expect(await refusalOf(triageOf(handle, { action: 'start_playbook', by: 'olga', playbook: triage.playbook, playbookSha256: triage.sha256 }))).toMatch(/the triage playbook is the one running/);

      expect(await triageOf(handle, { action: 'false_positive', by: 'olga', reason: 'a scanner test run' })).toBeDefined();
      const final = await handle.result();
      expect(final).toMatchObject({ status: 'false_positive', phase: 'done', falsePositive: { by: 'olga', reason: 'a scanner test run' } });
      expect(final.resolution).toBeUndefined();
      expect(final.lessons).toBeUndefined();
      expect(final.steps.snapshot_closure!.status).toBe('pending');
      expect(final.times.containedAt).toBeUndefined();
      expect(final.times.recoveredAt).toBeUndefined();
      expect(final.times.resolvedAt).toBeUndefined();
      expect(final.times.closedAt).toBeDefined();
      expect(final.times.firstHumanActionAt).toBeDefined();
      expect(final.timeline.some((t) => t.by === 'olga' && t.event === 'marked a false positive: a scanner test run')).toBe(true);
    });
  });

  it('merged into another incident: it ends `merged` with mergedInto; the target takes its alerts once and its timeline records the merge', async () => {
    const taskQueue = uniqueTaskQueue('merge');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const target = await waitingTriage(taskQueue, { title: 'the first report' });
      const source = await waitingTriage(taskQueue, { title: 'the same thing again' });
      const into = idOf(target);
      await triageOf(source, { action: 'merge', by: 'olga', mergeInto: into, reason: 'same scanner' });
      const merged = await source.result();
      expect(merged).toMatchObject({ status: 'merged', phase: 'done', mergedInto: { incidentId: into, by: 'olga', reason: 'same scanner' } });
      expect(merged.times.containedAt).toBeUndefined();
      expect(merged.times.resolvedAt).toBeUndefined();
      expect(merged.lessons).toBeUndefined();

      const take = () => target.executeUpdate(mergeInUpdate, { args: [{ by: 'olga', from: idOf(source), alerts: merged.alerts.recent }] });
      expect(await take()).toBe(2);
      expect(await take()).toBe(2);
      const t = await state(target);
      expect(t.alerts.recent.map((a) => a.title)).toEqual(['the first report', 'the same thing again']);
      expect(t.mergedFrom).toEqual([expect.objectContaining({ incidentId: idOf(source), by: 'olga', alerts: 1 })]);
      expect(t.timeline.filter((e) => e.event.includes('merged into this one')).map((e) => [e.event, e.by])).toEqual([[`incident ${idOf(source)} merged into this one (1 alert(s))`, 'olga']]);
      expect(t.times.containedAt).toBeUndefined();

      expect(await refusalOf(target.executeUpdate(mergeInUpdate, { args: [{ by: 'olga', from: into, alerts: [] }] }))).toMatch(/cannot be merged into itself/);
      const closed = await resolveAndClose(target);
      expect(closed.status).toBe('closed');
    });
  });

  it('a playbook started in a triage incident runs in the same incident (same id), its steps apart from the triage steps; who started it is recorded', async () => {
    const taskQueue = uniqueTaskQueue('start');
    await withWorker({ providers: peers.deps }, { taskQueue }, async () => {
      const other = await startIncident(client, taskQueue, handling, alert());
      await expect.poll(async () => (await state(other)).awaiting, { timeout: 20_000 }).toBe('resolution');
      expect(await refusalOf(triageOf(other, { action: 'start_playbook', by: 'olga', playbook: handling.playbook, playbookSha256: handling.sha256 }))).toMatch(
        /runs playbook test-playbook: a playbook can be started only in a triage incident/,
      );
      await resolveAndClose(other);

      const handle = await waitingTriage(taskQueue);
      const id = idOf(handle);
      await handle.executeUpdate(acknowledgeUpdate, { args: [{ by: 'otto' }] });
      await triageOf(handle, { action: 'start_playbook', by: 'olga', playbook: handling.playbook, playbookSha256: handling.sha256, reason: 'a test alert after all' });
      await expect.poll(async () => (await state(handle)).steps.tell?.status, { timeout: 20_000 }).toBe('applied');
      const s = await state(handle);
      expect(s.incidentId).toBe(id);
      expect(s.playbook).toEqual({ id: 'test-playbook', version: 1, sha256: handling.sha256, title: 'Test playbook' });
      expect(s.playbookStarts).toEqual([expect.objectContaining({ playbook: 'test-playbook', from: 'triage', by: 'olga', reason: 'a test alert after all' })]);
      expect(s.steps['triage/snapshot_detection']!.status).toBe('applied');
      expect(s.steps['triage/page_oncall']!.status).toBe('applied');
      expect(s.steps['triage/snapshot_closure']).toBeUndefined();
      // The new playbook's step of the same id ran on its own, not as the triage's replay.
      expect(s.steps.snapshot_detection).toMatchObject({ action: 'notify.slack', status: 'applied' });
      await expect.poll(() => peers.slack.messages.some((m) => m.text === `now handled by the test playbook: ${id}`)).toBe(true);
      expect(s.acknowledged?.by).toBe('otto');
      expect(s.timeline.some((t) => t.by === 'olga' && t.event.startsWith('playbook test-playbook v1 started in this incident (after triage)'))).toBe(true);
      expect((await handle.describe()).memo?.playbook).toBe('test-playbook');
      const final = await resolveAndClose(handle);
      expect(final).toMatchObject({ status: 'closed', incidentId: id });
      expect(final.times.containedAt).toBe(final.steps.tell!.finishedAt);
    });
  });

  it('after a playbook is started, a triage step not applied can be skipped or marked done by hand, but a retry is refused: nothing would run it', async () => {
    const taskQueue = uniqueTaskQueue('start-unsent');
    await withWorker({ providers: { ...peers.deps, chat: undefined } }, { taskQueue }, async () => {
      const handle = await waitingTriage(taskQueue);
      expect((await state(handle)).steps.page_oncall!.status).toBe('not_applied');
      await triageOf(handle, { action: 'start_playbook', by: 'olga', playbook: handling.playbook, playbookSha256: handling.sha256 });
      await expect.poll(async () => (await state(handle)).steps.tell?.status, { timeout: 20_000 }).toBe('not_applied');
      const step = (stepId: string, action: 'retry' | 'skip', text?: string) => handle.executeUpdate(stepActionUpdate, { args: [{ stepId, action, by: 'otto', ...(text ? { text } : {}) }] });
      expect(await refusalOf(step('triage/page_oncall', 'retry'))).toMatch(
        /step triage\/page_oncall cannot be run again in this incident \(it belongs to playbook triage, which ended when olga started test-playbook\): mark it done by hand with a note, or skip it with a reason/,
      );
      expect((await state(handle)).steps['triage/page_oncall']!.retryRequested).toBeUndefined();
      // The running playbook's own notification is waited on, so its retry is taken and run.
      expect(await step('tell', 'retry')).toBe('not_applied');
      await expect.poll(async () => (await state(handle)).steps.tell!.retries?.length).toBe(1);
      expect(await step('triage/page_oncall', 'skip', 'paged by phone')).toBe('skipped');
      const final = await resolveAndClose(handle);
      expect(final.steps['triage/page_oncall']).toMatchObject({ status: 'skipped', resolution: { by: 'otto', text: 'paged by phone' } });
    });
  });
});
