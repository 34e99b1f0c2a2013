import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction, requireDep } from '../../types.js';
import { HOW, keyId, login, repo } from './params.js';

/**
 * Removes a person's direct access to one repository; output.after.effectivePermission shows any
 * access left through teams or the base permission. No undo: access returns only through a fresh
 * repository invitation. Idempotent: a login without direct access reports `already`.
 */
export const githubRemoveRepoCollaborator = defineAction({
  name: 'github.removeRepoCollaborator',
  title: 'Remove GitHub repository collaborator',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ repo, login }),
  describe: (p) => [`remove ${p.login}'s direct access to repository ${p.repo}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'code', HOW).removeRepoCollaborator({ repo: p.repo, login: p.login, dryRun }), dryRun);
  },
});

/**
 * Deletes a deploy key of a repository. No undo: the key cannot be restored; a new key must be
 * added. Idempotent: a key already gone reports `already`.
 */
export const githubDeleteDeployKey = defineAction({
  name: 'github.deleteDeployKey',
  title: 'Delete GitHub deploy key',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ repo, keyId }),
  describe: (p) => [`delete deploy key ${p.keyId} of repository ${p.repo}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'code', HOW).deleteDeployKey({ repo: p.repo, keyId: Number(p.keyId), dryRun }), dryRun);
  },
});
