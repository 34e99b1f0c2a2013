import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { IncidentState } from '../../contracts/incident.js';
import { postIncidentNotesWorkflowId } from '../../contracts/incident-notes.js';
import { postAlert, startIntake, tokens, type IntakeServer } from '../helpers/intake.js';
import { suiteClient, withWorker } from '../harness.js';

let client: Client;
let intake: IntakeServer;
beforeAll(async () => {
  client = await suiteClient();
  intake = await startIntake(client);
});
afterAll(async () => {
  intake.close();
  await client.connection.close();
});

const alert = () => ({ type: 'unknown.thing', severity: 'high', title: 'post-incident notes', source: 'notes-test', fingerprint: `fp-${randomUUID()}` });
const api = (token: string, method: 'GET' | 'POST', path: string, body?: unknown) =>
  fetch(`${intake.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
const note = (token: string, id: string, text: string) => api(token, 'POST', `/v1/incidents/${id}/notes`, { text });
const show = async (id: string) => (await (await api(tokens.viewer, 'GET', `/v1/incidents/${id}`)).json()) as IncidentState;

describe('notes after an incident is over', () => {
  it('a cancelled live incident takes notes: marked after closing, in the notes and the timeline; the count goes on', async () => {
    const opened = (await (await postAlert(intake.url, alert(), {}, '?dry_run=false')).json()) as { incidentId: string; workflowId: string };
    await withWorker({ providers: {} }, { taskQueue: intake.taskQueue }, async () => {
      expect(await (await note(tokens.oncall, opened.incidentId, 'before the end')).json()).toEqual({ notes: 1 });
      expect((await api(tokens.oncall, 'POST', `/v1/incidents/${opened.incidentId}/cancel`, { reason: 'test over' })).status).toBe(202);
      expect(((await client.workflow.getHandle(opened.workflowId).result()) as IncidentState).status).toBe('cancelled');

      const first = await note(tokens.oncall, opened.incidentId, 'root cause: a test key');
      expect(first.status).toBe(201);
      expect(await first.json()).toEqual({ notes: 2, afterClose: true });
      expect(await (await note(tokens.oncall2, opened.incidentId, 'rotated the test keys too')).json()).toEqual({ notes: 3, afterClose: true });

      const state = await show(opened.incidentId);
      expect(state.status).toBe('cancelled');
      expect(state.notes.map((n) => [n.by, n.text, n.afterClose ?? false])).toEqual([
        ['olga', 'before the end', false],
        ['olga', 'root cause: a test key', true],
        ['otto', 'rotated the test keys too', true],
      ]);
      expect(state.timeline.filter((e) => e.event === 'note added after closing').map((e) => e.by)).toEqual(['olga', 'otto']);
    });
  });

  it('a finished dry run takes a note too; an empty note is 400 and a note for no incident is 404, starting nothing', async () => {
    const opened = (await (await postAlert(intake.url, alert())).json()) as { incidentId: string; workflowId: string };
    await withWorker({ providers: {} }, { taskQueue: intake.taskQueue }, async () => {
      expect(((await client.workflow.getHandle(opened.workflowId).result()) as IncidentState).status).toBe('planned');
      expect(await (await note(tokens.oncall, opened.incidentId, 'dry run looked right')).json()).toEqual({ notes: 1, afterClose: true });
      expect((await show(opened.incidentId)).notes).toEqual([expect.objectContaining({ by: 'olga', text: 'dry run looked right', afterClose: true })]);
    });
    expect((await note(tokens.oncall, opened.incidentId, '   ')).status).toBe(400);
    expect((await note(tokens.viewer, opened.incidentId, 'a viewer may not')).status).toBe(403);

    const nobody = `inc-${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    expect((await note(tokens.oncall, nobody, 'about nothing')).status).toBe(404);
    await expect(client.workflow.getHandle(postIncidentNotesWorkflowId(nobody)).describe()).rejects.toThrow(WorkflowNotFoundError);
  });
});
