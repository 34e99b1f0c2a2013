import type { ActionDeps } from '../catalog/types.js';
import { createActionActivities } from './actions.js';
import { createDiagnosticsActivities } from './diagnostics.js';
import { createOffboardingActivities } from './offboarding/index.js';
import type { Directory } from './ports/directory.js';
import { createApprovalChatActivities } from './slack/approval-activities.js';

/** Every activity the worker registers, built from injected adapters (ports). */
export function createActivities(deps: ActionDeps = {}, directory?: Directory) {
  return {
    ...createDiagnosticsActivities(),
    ...createActionActivities(deps),
    ...createApprovalChatActivities(deps),
    ...createOffboardingActivities(deps, directory),
  };
}

export type WardenActivities = ReturnType<typeof createActivities>;
