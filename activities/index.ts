import type { ActionDeps } from '../catalog/types.js';
import { createActionActivities } from './actions.js';
import { createDiagnosticsActivities } from './diagnostics.js';
import { createApprovalChatActivities } from './slack/approval-activities.js';

/** Every activity the worker registers, built from injected adapters (ports). */
export function createActivities(deps: ActionDeps = {}) {
  return { ...createDiagnosticsActivities(), ...createActionActivities(deps), ...createApprovalChatActivities(deps) };
}

export type WardenActivities = ReturnType<typeof createActivities>;
