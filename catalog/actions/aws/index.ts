import type { ActionDefinition } from '../../types.js';
import { awsDeleteAccessKey, awsDisableAccessKey, awsEnableAccessKey } from './access-key.js';
import { awsDeactivateMfa, awsDeleteLoginProfile, awsDeleteSshKeys } from './credentials.js';
import { awsAddToGroups, awsRemoveFromGroups } from './groups.js';
import { awsAttachUserPolicies, awsDeleteInlinePolicies, awsDetachUserPolicies } from './policies.js';
import { awsQuarantinePrincipal, awsReleaseQuarantine } from './quarantine.js';
import { awsRestoreRoleSessions, awsRevokeRoleSessions } from './role-sessions.js';
import { awsListEntitlements } from './entitlements.js';
import { awsDeleteUser } from './user.js';
import { awsDisengageEndpoint, awsRestoreEndpoint } from './endpoint.js';

/** The AWS actions (IAM, and SageMaker endpoints). */
export const AWS_ACTIONS = [
  awsDisableAccessKey,
  awsEnableAccessKey,
  awsDeleteAccessKey,
  awsQuarantinePrincipal,
  awsReleaseQuarantine,
  awsRevokeRoleSessions,
  awsRestoreRoleSessions,
  awsDeleteLoginProfile,
  awsDeactivateMfa,
  awsRemoveFromGroups,
  awsAddToGroups,
  awsDetachUserPolicies,
  awsAttachUserPolicies,
  awsDeleteInlinePolicies,
  awsDeleteSshKeys,
  awsDeleteUser,
  awsListEntitlements,
  awsDisengageEndpoint,
  awsRestoreEndpoint,
] as const satisfies readonly ActionDefinition[];
