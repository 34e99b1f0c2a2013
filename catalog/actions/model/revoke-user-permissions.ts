import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction, requireDep } from '../../types.js';
import { HOW } from './params.js';

/**
 * Removes everything a user holds in MLflow's auth app: the admin flag, shared role memberships
 * and their own grants on experiments, registered models and other resources (offboarding). The
 * account stays. No undo: what was removed is in `output.before`, to grant again by hand.
 * Idempotent: a user who holds nothing, or does not exist, reports `already`. A server without
 * the auth app fails with RegistryAuthNotEnabled.
 */
export const modelRevokeUserPermissions = defineAction({
  name: 'model.revokeUserPermissions',
  title: 'Revoke MLflow user permissions',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ user: z.string().min(1).max(256).describe('MLflow user name') }),
  describe: (p) => [`remove the admin flag, role memberships and every permission of MLflow user ${p.user}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'models', HOW).revokeUserPermissions({ user: p.user, dryRun }), dryRun);
  },
});
