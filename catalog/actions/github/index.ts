import type { ActionDefinition } from '../../types.js';
import { githubRemoveSsoAuthorizations, githubRevokePatGrants } from './credentials.js';
import { githubListEntitlements } from './entitlements.js';
import { githubCancelInvitations, githubRemoveOrgMember, githubRemoveOutsideCollaborator, githubRemoveTeamMember } from './org-access.js';
import { githubDeleteDeployKey, githubRemoveRepoCollaborator } from './repo-access.js';

/** The GitHub organization actions: eight removals (none can be undone) and one read. */
export const GITHUB_ACTIONS = [
  githubRemoveOrgMember,
  githubRemoveOutsideCollaborator,
  githubRemoveTeamMember,
  githubRevokePatGrants,
  githubRemoveSsoAuthorizations,
  githubRemoveRepoCollaborator,
  githubDeleteDeployKey,
  githubCancelInvitations,
  githubListEntitlements,
] as const satisfies readonly ActionDefinition[];
