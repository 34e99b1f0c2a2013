import type { DeployKeyChange, RepositoryAccessChange } from '../../ports/code-host.js';
import type { ChangeResult } from '../../ports/change.js';
import { changeReadBack, NEEDS, sameLogin, splitRepo, unchanged, type GitHubContext } from './change-helpers.js';
import { github, githubUnlessAbsent } from './errors.js';

/**
 * Removes the account's direct access to one repository. Idempotent: lists the direct
 * collaborators first; an account not among them is `changed: false`. After removing, reads the
 * account's effective permission, so the result shows access still held through teams or the
 * organization's base permission.
 */
export async function removeRepoCollaborator(ctx: GitHubContext, { repo, login, dryRun }: RepositoryAccessChange): Promise<ChangeResult> {
  const { octokit } = ctx;
  const where = splitRepo(repo);
  const readDirect = async () => {
    const direct = await github({ what: `listing the direct collaborators of ${repo}`, needs: NEEDS.repoAdmin }, () =>
      octokit.paginate(octokit.rest.repos.listCollaborators, { ...where, affiliation: 'direct', per_page: 100 }),
    );
    return direct.find((c) => sameLogin(c.login, login));
  };
  const found = await readDirect();
  if (!found) return unchanged({ directCollaborator: false });
  const before = { directCollaborator: true, permission: found.role_name };
  const steps = [
    {
      line: `remove ${login}'s direct ${found.role_name} access to repository ${repo}`,
      apply: () => githubUnlessAbsent({ what: `removing ${login} from ${repo}`, needs: NEEDS.repoAdmin }, () => octokit.rest.repos.removeCollaborator({ ...where, username: login })),
    },
  ];
  const readBack = async () => {
    const still = await readDirect();
    const left = await githubUnlessAbsent({ what: `reading what access ${login} keeps to ${repo}`, needs: NEEDS.repoAdmin }, () =>
      octokit.rest.repos.getCollaboratorPermissionLevel({ ...where, username: login }),
    );
    return { directCollaborator: !!still, ...(still ? { permission: still.role_name } : {}), effectivePermission: left?.data.permission ?? 'none' };
  };
  return changeReadBack({ steps, dryRun, before, readBack });
}

/**
 * Deletes one deploy key of a repository. Idempotent: lists the repository's deploy keys first;
 * a key not among them is `changed: false`. The key material is never reported.
 */
export async function deleteDeployKey({ octokit }: GitHubContext, { repo, keyId, dryRun }: DeployKeyChange): Promise<ChangeResult> {
  const where = splitRepo(repo);
  const readKey = async () => {
    const keys = await github({ what: `listing the deploy keys of ${repo}`, needs: NEEDS.repoAdmin }, () => octokit.paginate(octokit.rest.repos.listDeployKeys, { ...where, per_page: 100 }));
    return keys.find((k) => k.id === keyId);
  };
  const stateOf = (k: Awaited<ReturnType<typeof readKey>>) => ({ deployKey: k ? { id: k.id, title: k.title, readOnly: k.read_only, createdAt: k.created_at } : null });
  const key = await readKey();
  if (!key) return unchanged({ deployKey: null });
  const before = stateOf(key);
  const steps = [
    {
      line: `delete deploy key ${key.id} ("${key.title}", ${key.read_only ? 'read-only' : 'read-write'}) of repository ${repo}`,
      apply: () => githubUnlessAbsent({ what: `deleting deploy key ${key.id} of ${repo}`, needs: NEEDS.repoAdmin }, () => octokit.rest.repos.deleteDeployKey({ ...where, key_id: key.id })),
    },
  ];
  return changeReadBack({ steps, dryRun, before, readBack: async () => stateOf(await readKey()) });
}
