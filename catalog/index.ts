import { AWS_ACTIONS } from './actions/aws/index.js';
import { evidenceSnapshot } from './actions/evidence-snapshot.js';
import { httpRequest } from './actions/http-request.js';
import { incidentSetSeverity } from './actions/incident-set-severity.js';
import { incidentWait } from './actions/incident-wait.js';
import { GITHUB_ACTIONS } from './actions/github/index.js';
import { IDENTITY_ACTIONS } from './actions/identity/index.js';
import { MODEL_ACTIONS } from './actions/model/index.js';
import { notifyEmail } from './actions/notify-email.js';
import { notifySlack } from './actions/notify-slack.js';
import type { ActionDefinition } from './types.js';

/**
 * Every action a playbook may name. Adding one: a file in catalog/actions/ (or its provider's
 * folder) and a line here or in that folder's index.ts.
 */
export const CATALOG = [
  notifySlack,
  notifyEmail,
  evidenceSnapshot,
  httpRequest,
  incidentSetSeverity,
  incidentWait,
  ...AWS_ACTIONS,
  ...MODEL_ACTIONS,
  ...GITHUB_ACTIONS,
  ...IDENTITY_ACTIONS,
] as const satisfies readonly ActionDefinition[];

export type ActionName = (typeof CATALOG)[number]['name'];

const BY_NAME: ReadonlyMap<string, ActionDefinition> = new Map(CATALOG.map((a) => [a.name, a as ActionDefinition]));

export function findAction(name: string): ActionDefinition | undefined {
  return BY_NAME.get(name);
}

export const ACTION_NAMES: readonly ActionName[] = CATALOG.map((a) => a.name);
