/**
 * Gates of the truthful lifecycle (issue #15): the step action route against the real HTTP API,
 * the dev server and a worker. Each attack asserts the refusal (status, field, message) and that
 * the step and the incident's record did not change.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentState } from '../../contracts/incident.js';
import { alert, HEADER, playbook, startIncident, startPeers, state, type Peers } from '../helpers/incident.js';
import { startIntake, tokens, type IntakeServer } from '../helpers/intake.js';
import { suiteClient, startWorker, type TestWorker } from '../harness.js';

let client: Client;
let peers: Peers;
let intake: IntakeServer;
let worker: TestWorker;
beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
  intake = await startIntake(client);
  worker = await startWorker({ providers: peers.deps }, { taskQueue: intake.taskQueue });
}, 60_000);
afterAll(async () => {
  await worker.shutdown();
  intake.close();
  await peers.close();
  await client.connection.close();
});

const pb = playbook(`${HEADER}
phases:
  detect:
    - id: announce
      action: notify.slack
      with: { channel: "#sec-incidents", text: "incident {{ incident.id }}" }
  contain:
    - id: disable_key
      action: aws.disableAccessKey
      with: { userName: dana, accessKeyId: AKIAEXAMPLE000000010 }
`);

async function waitingIncident(): Promise<{ handle: WorkflowHandle; id: string; before: IncidentState }> {
  const handle = await startIncident(client, intake.taskQueue, pb, alert());
  await expect.poll(async () => (await state(handle)).status, { timeout: 20_000 }).toBe('waiting');
  const before = await state(handle);
  return { handle, id: before.incidentId, before };
}

const post = (id: string, step: string, body: unknown, token?: string) =>
  fetch(`${intake.url}/v1/incidents/${id}/steps/${step}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

/** Nothing a refused call could have changed did: the step, the human-action time, the timeline. */
async function unchanged(handle: WorkflowHandle, before: IncidentState): Promise<void> {
  const now = await state(handle);
  expect(now.steps).toEqual(before.steps);
  expect(now.status).toBe('waiting');
  expect(now.times.firstHumanActionAt).toBeUndefined();
  expect(now.timeline).toEqual(before.timeline);
}

describe('step actions: who may act, and on what', () => {
  it('refuses a caller without a token (401) and a viewer (403), changing nothing', async () => {
    const { handle, id, before } = await waitingIncident();
    expect((await post(id, 'disable_key', { action: 'skip', reason: 'x' })).status).toBe(401);
    const viewer = await post(id, 'disable_key', { action: 'skip', reason: 'not my job' }, tokens.viewer);
    expect(viewer.status).toBe(403);
    expect(await viewer.text()).toMatch(/responder/);
    await unchanged(handle, before);
  });

  it('refuses a done-by-hand without a note, a skip with a blank reason, an unknown action and a forged "by" (400 naming the field)', async () => {
    const { handle, id, before } = await waitingIncident();
    const cases: [unknown, string][] = [
      [{ action: 'done_by_hand' }, 'note'],
      [{ action: 'skip', reason: '   ' }, 'reason'],
      [{ action: 'delete' }, 'action'],
      [{ action: 'skip', reason: 'fine', by: 'ceo' }, 'by'],
    ];
    for (const [body, field] of cases) {
      const res = await post(id, 'disable_key', body, tokens.oncall);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: string; details?: { path: string; message: string }[] };
      expect(json.details?.map((d) => d.path).join(' ')).toContain(field);
    }
    await unchanged(handle, before);
  });

  it('refuses acting on a step that was applied (409) or does not exist (404), changing nothing', async () => {
    const { handle, id, before } = await waitingIncident();
    expect(before.steps.announce!.status).toBe('applied');
    const applied = await post(id, 'announce', { action: 'skip', reason: 'rewrite history' }, tokens.oncall);
    expect(applied.status).toBe(409);
    expect(await applied.text()).toMatch(/announce is applied: only a step that is not_applied, failed or denied/);
    const missing = await post(id, 'no_such_step', { action: 'retry' }, tokens.oncall);
    expect(missing.status).toBe(404);
    await unchanged(handle, before);
  });

  it('records the caller from the token, never from the body', async () => {
    const { handle, id } = await waitingIncident();
    const res = await post(id, 'disable_key', { action: 'done_by_hand', note: 'disabled in the console' }, tokens.oncall);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stepId: 'disable_key', action: 'done_by_hand', status: 'done_by_hand' });
    const after = await state(handle);
    expect(after.steps.disable_key!.resolution).toMatchObject({ by: 'olga', text: 'disabled in the console' });
  });
});

describe('resolve and lessons: only a responder, only when the incident is there', () => {
  const postTo = (id: string, what: 'resolve' | 'lessons', body: unknown, token?: string) =>
    fetch(`${intake.url}/v1/incidents/${id}/${what}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  it('refuses a viewer (403), a forged "by" or an empty summary (400), and a resolution or lessons while a step still waits (409); nothing changes', async () => {
    const { handle, id, before } = await waitingIncident();
    expect((await postTo(id, 'resolve', { summary: 'done' }, tokens.viewer)).status).toBe(403);
    const forged = await postTo(id, 'resolve', { summary: 'done', by: 'ceo' }, tokens.oncall);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('by');
    const empty = await postTo(id, 'resolve', { summary: '  ' }, tokens.oncall);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('summary');
    const early = await postTo(id, 'resolve', { summary: 'done' }, tokens.oncall);
    expect(early.status).toBe(409);
    expect(await early.text()).toMatch(/can be resolved once its steps up to recover are settled/);
    const lessons = await postTo(id, 'lessons', { cause: 'c', impact: 'i', followUps: [] }, tokens.oncall);
    expect(lessons.status).toBe(409);
    expect(await lessons.text()).toMatch(/lessons are recorded once it is resolved/);
    await unchanged(handle, before);
    const st = await state(handle);
    expect(st.resolution).toBeUndefined();
    expect(st.lessons).toBeUndefined();
  });
});
