import { awsDisableAccessKey, awsEnableAccessKey } from './actions/aws-access-key.js';
import { awsQuarantinePrincipal, awsReleaseQuarantine } from './actions/aws-quarantine.js';
import { evidenceSnapshot } from './actions/evidence-snapshot.js';
import { httpRequest } from './actions/http-request.js';
import { incidentSetSeverity } from './actions/incident-set-severity.js';
import { incidentWait } from './actions/incident-wait.js';
import { modelQuarantineVersion, modelRollback, modelSetAlias } from './actions/model-registry.js';
import { notifyEmail } from './actions/notify-email.js';
import { notifySlack } from './actions/notify-slack.js';
import type { ActionDefinition } from './types.js';

/** Every action a playbook may name. Adding one: a file in catalog/actions/ and a line here. */
export const CATALOG = [
  notifySlack,
  notifyEmail,
  evidenceSnapshot,
  httpRequest,
  incidentSetSeverity,
  incidentWait,
  awsDisableAccessKey,
  awsEnableAccessKey,
  awsQuarantinePrincipal,
  awsReleaseQuarantine,
  modelRollback,
  modelSetAlias,
  modelQuarantineVersion,
] as const satisfies readonly ActionDefinition[];

export type ActionName = (typeof CATALOG)[number]['name'];

const BY_NAME: ReadonlyMap<string, ActionDefinition> = new Map(CATALOG.map((a) => [a.name, a as ActionDefinition]));

export function findAction(name: string): ActionDefinition | undefined {
  return BY_NAME.get(name);
}

export const ACTION_NAMES: readonly ActionName[] = CATALOG.map((a) => a.name);
