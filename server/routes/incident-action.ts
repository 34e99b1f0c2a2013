/** What the POST routes about one incident share: how a workflow's refusal reads, and the shape of one route (incidents.ts `act()`). */
import type { IncomingMessage } from 'node:http';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { z } from 'zod';
import { incidentWorkflowId } from '../../contracts/incident.js';
import type { Caller } from '../auth/api-auth.js';
import { HttpError } from '../http-json.js';
import type { ApiResponses } from '../api-responses.js';
import type { Params, ResponseName } from '../router.js';
import type { RefusalWords } from '../temporal-errors.js';

const ID = /^[A-Za-z0-9._-]{1,128}$/;

export const REFUSALS: RefusalWords = {
  closed: 'the incident is closed: nothing is pending any more',
  missing: 'no such incident',
  invalid: { pattern: /^reason required/, field: 'reason' },
  forbidden: /^(not in an allowed group|cannot approve own request|approver identity|unsigned decision|forged decision|stale decision|not a named person)/,
};

/** An incident id from the path (or a body field `field`), or 400. */
export function incidentIdOf(id: string | undefined, field = 'id'): string {
  if (!ID.test(id ?? '')) throw new HttpError(400, 'invalid incident id', [{ path: field, message: 'letters, digits, . _ - (at most 128)' }]);
  return id!;
}

export const incidentHandle = (client: Client, id: string): WorkflowHandle => client.workflow.getHandle(incidentWorkflowId(id));

/** One of the POST routes about an incident. */
export interface Action<B, N extends ResponseName = ResponseName> {
  /** After `/v1/incidents/:id/`. */
  readonly path: string;
  /** For the refusal of a caller without the responder role. */
  readonly doing: string;
  /** Set when the incident's own principal may not do it: the words of that refusal. */
  readonly aboutSelf?: string;
  readonly body: z.ZodType<B>;
  /** The body's name in a 400. */
  readonly what: string;
  /** The words of a Temporal outage or refusal. */
  readonly steering: string;
  readonly status?: 200 | 201 | 202;
  /** The answer's type, by its name in ApiResponses. */
  readonly answer: N;
  /** Sends the Update; returns the answer's body. */
  run(handle: WorkflowHandle, body: B, caller: Caller, req: IncomingMessage, params: Params): Promise<ApiResponses[N]>;
}
