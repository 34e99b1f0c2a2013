import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IncidentNote, IncidentStatus, NoteRequest } from './incident.js';

/**
 * Post-incident notes. An incident's workflow ends when it is over, and a finished workflow takes
 * no Update; notes added after that go to a small workflow of their own, `post-incident-notes-<id>`,
 * which the API reads with the incident (GET /v1/incidents/:id) and marks `afterClose`.
 */
export const postIncidentNotesWorkflowId = (incidentId: string): string => `post-incident-notes-${incidentId}`;

export interface PostIncidentNotesInput {
  readonly incidentId: string;
  /** Notes of an earlier run of this workflow (it ends after a long quiet time, and a later note starts it again). */
  readonly carried?: readonly IncidentNote[];
}

export const postIncidentNoteUpdate = defineUpdate<number, [NoteRequest]>('incident.postNote');
export const postIncidentNotesQuery = defineQuery<IncidentNote[]>('incident.postNotes');

/** The statuses in which an incident is over: a note then is a post-incident note. */
export const OVER_STATUSES: ReadonlySet<IncidentStatus> = new Set(['closed', 'cancelled', 'failed', 'false_positive', 'merged', 'planned']);

/** Why a note request is refused, or undefined (the incident's note Update and the post-incident one share it). */
export function noteProblem(req: NoteRequest | undefined): string | undefined {
  if (!req?.by || !req.text?.trim()) return 'a note needs "by" and "text"';
  if (req.text.length > 10_000) return 'a note is at most 10000 characters';
  return undefined;
}
