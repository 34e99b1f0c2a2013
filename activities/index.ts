import { createInventoryLinkActivities } from './inventory/link.js';
import { createAuditActivities } from './audit/index.js';
import { createActionActivities } from './run-action.js';
import { createApprovalChatActivities } from './incident/approval-activities.js';
import { createDiagnosticsActivities } from './diagnostics.js';
import { createOffboardingActivities } from './offboarding/index.js';
import { createReviewActivities } from './reviews/index.js';
import { createInventoryActivities } from './inventory/index.js';
import type { WardenDeps } from './deps.js';

export type { InventorySetup, ReviewSetup, WardenDeps } from './deps.js';

/** Every activity the worker registers, built from one deps object (adapters behind ports, the directory, reviews' setup). */
export function createActivities(deps: WardenDeps) {
  return {
    ...createDiagnosticsActivities(),
    ...createInventoryLinkActivities(deps),
    ...createActionActivities(deps),
    ...createApprovalChatActivities(deps),
    ...createOffboardingActivities(deps),
    ...createReviewActivities(deps),
    ...createAuditActivities(deps.audit),
    ...createInventoryActivities(deps),
  };
}

export type WardenActivities = ReturnType<typeof createActivities>;
