import type { ActionDefinition } from '../../types.js';
import { modelDisengage } from './disengage.js';
import { modelListVersions } from './list-versions.js';
import { modelQuarantineVersion } from './quarantine-version.js';
import { modelRevokeUserPermissions } from './revoke-user-permissions.js';
import { modelRollback } from './rollback.js';
import { modelSetAlias } from './set-alias.js';

/** The model registry actions. */
export const MODEL_ACTIONS = [modelRollback, modelSetAlias, modelDisengage, modelQuarantineVersion, modelListVersions, modelRevokeUserPermissions] as const satisfies readonly ActionDefinition[];
