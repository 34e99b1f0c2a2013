import type { WardenDeps } from '../deps.js';
import { createReportActivities } from './report.js';
import { createTargetActivities } from './resolve-target.js';

/**
 * The offboarding's own activities (its revocations run through runAction): the report writer
 * on the evidence store, and the directory lookups (the person a playbook offboards, the
 * manager's Slack id for the report's direct message).
 */
export function createOffboardingActivities(deps: Pick<WardenDeps, 'providers' | 'directory'>) {
  return { ...createReportActivities(deps.providers), ...createTargetActivities(deps.directory) };
}

export type OffboardingActivities = ReturnType<typeof createOffboardingActivities>;
