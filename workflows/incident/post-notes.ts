import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import type { IncidentNote, NoteRequest } from '../../contracts/incident.js';
import { noteProblem, postIncidentNoteUpdate, postIncidentNotesQuery, type PostIncidentNotesInput } from '../../contracts/incident-notes.js';
import { nowIso } from '../../contracts/time.js';

/** After this long without a note the workflow ends; its notes stay readable, and a later note starts it again with them. */
const QUIET = '30 days';

/** The notes added to an incident after its workflow ended (see contracts/incident-notes.ts). */
export async function postIncidentNotesWorkflow(input: PostIncidentNotesInput): Promise<IncidentNote[]> {
  const notes: IncidentNote[] = [...(input.carried ?? [])];
  setHandler(postIncidentNotesQuery, () => notes);
  setHandler(
    postIncidentNoteUpdate,
    (req: NoteRequest) => {
      notes.push({ by: req.by, text: req.text, at: nowIso(), afterClose: true });
      return notes.length;
    },
    {
      validator: (req: NoteRequest) => {
        const problem = noteProblem(req);
        if (problem) throw new Error(problem);
      },
    },
  );
  for (;;) {
    const seen = notes.length;
    if (!(await condition(() => notes.length > seen, QUIET))) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof postIncidentNotesWorkflow>({ incidentId: input.incidentId, carried: notes });
    }
  }
  await condition(allHandlersFinished);
  return notes;
}
