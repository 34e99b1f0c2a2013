import { workflowInfo } from '@temporalio/workflow';

/**
 * History length at which a workflow continues as new (at its next safe point), unless its input
 * sets another limit. Well under Temporal's 10k-event warning, so one run's history stays quick to
 * replay. The review campaign keeps its own, larger default (see workflows/reviews/campaign.ts).
 */
export const DEFAULT_CONTINUE_AS_NEW_AFTER = 4_000;

/** Thrown inside a workflow to unwind to the point where it calls continueAsNew with its state. */
export class ContinueAsNewNeeded extends Error {
  override name = 'ContinueAsNewNeeded';
}

/** True once the history reached `limit` events, or the server suggests continuing as new. Workflow code only. */
export function historyPastLimit(limit: number = DEFAULT_CONTINUE_AS_NEW_AFTER): boolean {
  const info = workflowInfo();
  return info.historyLength >= limit || info.continueAsNewSuggested;
}
