import { outcomeOf } from '../../provider-change.js';
import { defineAction, requireDep } from '../../types.js';
import { z } from 'zod';
import { HOW, login, loginParams } from './params.js';

/**
 * Revokes every fine-grained personal access token grant a person holds on the organization;
 * output.grantIds lists the grants. No undo: a revoked grant is gone, and the person must request
 * access again. GitHub lets only GitHub Apps call this, so configure App credentials. Idempotent.
 */
export const githubRevokePatGrants = defineAction({
  name: 'github.revokePatGrants',
  title: 'Revoke GitHub fine-grained token grants',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ login, grantIds: z.array(z.number().int().positive()).min(1).optional().describe('omit to revoke every grant of the person') }),
  describe: (p) => [
    p.grantIds
      ? `revoke fine-grained token grant(s) ${p.grantIds.join(', ')} of ${p.login} on the GitHub organization`
      : `revoke every fine-grained personal access token grant of ${p.login} on the GitHub organization`,
  ],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'code', HOW).revokePatGrants({ login: p.login, dryRun, ...(p.grantIds ? { grantIds: p.grantIds } : {}) }), dryRun);
  },
});

/**
 * Removes a person's SAML single sign-on credential authorizations (tokens, SSH keys, app tokens)
 * for the organization: those credentials stop working against it. output.credentialIds lists
 * them. No undo: the person must authorize each credential again through SSO. Idempotent.
 */
export const githubRemoveSsoAuthorizations = defineAction({
  name: 'github.removeSsoAuthorizations',
  title: 'Remove GitHub SSO credential authorizations',
  kind: 'change',
  destructive: true,
  params: loginParams,
  describe: (p) => [`remove every SAML SSO credential authorization of ${p.login} for the GitHub organization`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'code', HOW).removeSsoAuthorizations({ login: p.login, dryRun }), dryRun);
  },
});
