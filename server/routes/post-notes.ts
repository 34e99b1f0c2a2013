import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { incidentStateQuery, type IncidentNote, type IncidentState, type NoteRequest } from '../../contracts/incident.js';
import { postIncidentNoteUpdate, postIncidentNotesQuery, postIncidentNotesWorkflowId } from '../../contracts/incident-notes.js';

/** The post-incident notes of an incident, or none (no note was added after its workflow ended). */
async function postNotes(client: Client, incidentId: string): Promise<IncidentNote[]> {
  try {
    return await client.workflow.getHandle(postIncidentNotesWorkflowId(incidentId)).query(postIncidentNotesQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    throw err;
  }
}

/** The incident's state with its post-incident notes after its own, each marked and on the timeline. */
export async function withPostIncidentNotes(client: Client, state: IncidentState): Promise<IncidentState> {
  const later = await postNotes(client, state.incidentId);
  if (later.length === 0) return state;
  return {
    ...state,
    notes: [...state.notes, ...later],
    timeline: [...state.timeline, ...later.map((n) => ({ at: n.at, event: 'note added after closing', by: n.by }))],
  };
}

/**
 * A note for an incident whose workflow has ended (it takes no Update any more): recorded by the
 * incident's post-incident notes workflow, started on the incident's task queue with the notes of
 * its earlier run, if any. Answers the incident's note count, post-incident notes included.
 */
export async function addPostIncidentNote(client: Client, incident: WorkflowHandle, incidentId: string, req: NoteRequest): Promise<{ notes: number; afterClose: true }> {
  const desc = await incident.describe();
  const own = (await incident.query(incidentStateQuery)).notes.length;
  const carried = await postNotes(client, incidentId);
  const start = new WithStartWorkflowOperation('postIncidentNotesWorkflow', {
    workflowId: postIncidentNotesWorkflowId(incidentId),
    taskQueue: desc.taskQueue,
    args: [{ incidentId, carried }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const count = await client.workflow.executeUpdateWithStart(postIncidentNoteUpdate, { args: [req], startWorkflowOperation: start });
  return { notes: own + count, afterClose: true };
}
