import { outcomeOf } from '../../provider-change.js';
import { defineAction } from '../../types.js';
import { awsIam, userOnly } from './params.js';

/**
 * Deletes the IAM user. Refuses (non-retryable DeleteConflict) while keys, a login profile, MFA,
 * groups, policies, SSH keys or signing certificates remain: run the removal actions first. No undo.
 */
export const awsDeleteUser = defineAction({
  name: 'aws.deleteUser',
  title: 'Delete AWS IAM user',
  kind: 'change',
  destructive: true,
  params: userOnly,
  describe: (p) => [`delete IAM user ${p.userName} (refused while it still has credentials, groups or policies)`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).deleteUser({ ...p, dryRun }), dryRun);
  },
});
