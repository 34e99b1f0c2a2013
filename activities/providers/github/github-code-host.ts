import type { CodeHost } from '../../ports/code-host.js';
import type { GitHubContext } from './change-helpers.js';
import { removeSsoAuthorizations, revokePatGrants } from './credential-changes.js';
import { listEntitlements, listMembers, listOrgEntitlements, listRepositoryPage } from './entitlements.js';
import { createGitHubClient, type GitHubClientOptions } from './github-client.js';
import { cancelInvitations, removeOrgMember, removeOutsideCollaborator, removeTeamMember } from './org-changes.js';
import { deleteDeployKey, removeRepoCollaborator } from './repo-changes.js';

export interface GitHubCodeHostOptions extends GitHubClientOptions {
  /** The one organization Warden governs (WARDEN_GITHUB_ORG). */
  readonly org: string;
}

/**
 * The CodeHost port on the GitHub REST API, for one organization, with a token or GitHub App
 * credentials (App credentials win when both are given). Building it makes no request. Every
 * change reads the current state first and acts only on what is still there, so each is safe to
 * retry; failures are Temporal ApplicationFailures (see errors.ts) that never carry a credential.
 */
export function createGitHubCodeHost(opts: GitHubCodeHostOptions): CodeHost {
  const ctx: GitHubContext = { octokit: createGitHubClient(opts), org: opts.org };
  return {
    kind: 'github',
    org: ctx.org,
    removeOrgMember: (input) => removeOrgMember(ctx, input),
    removeTeamMember: (input) => removeTeamMember(ctx, input),
    removeOutsideCollaborator: (input) => removeOutsideCollaborator(ctx, input),
    revokePatGrants: (input) => revokePatGrants(ctx, input),
    removeSsoAuthorizations: (input) => removeSsoAuthorizations(ctx, input),
    removeRepoCollaborator: (input) => removeRepoCollaborator(ctx, input),
    deleteDeployKey: (input) => deleteDeployKey(ctx, input),
    cancelInvitations: (input) => cancelInvitations(ctx, input),
    listEntitlements: () => listEntitlements(ctx),
    listOrgEntitlements: () => listOrgEntitlements(ctx),
    listMembers: () => listMembers(ctx),
    listRepositoryPage: (input) => listRepositoryPage(ctx, input),
  };
}
