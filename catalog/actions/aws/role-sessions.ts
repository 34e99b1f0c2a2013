import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction } from '../../types.js';
import { account, awsIam } from './params.js';

const roleName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name: 1-64 of A-Z a-z 0-9 + = , . @ _ -')
  .describe('IAM role name');
const revokeParams = z.strictObject({
  roleName,
  account,
  issuedBefore: z.iso.datetime({ offset: true }).optional().describe('sessions issued before this time are revoked; default: when the step runs'),
});
const restoreParams = z.strictObject({ roleName, account });

/** Now, to the second, in the form IAM's date conditions take. */
const nowSeconds = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * Ends every session of a role issued so far: the containment for a role's leaked temporary
 * credentials (ASIA… keys, which cannot be disabled one by one). Sessions issued later work, so
 * an instance profile recovers on its next refresh while the stolen copy stays dead.
 */
export const awsRevokeRoleSessions = defineAction({
  name: 'aws.revokeRoleSessions',
  title: "Revoke an AWS role's sessions",
  kind: 'change',
  destructive: true,
  params: revokeParams,
  describe: (p) => [`deny every action to sessions of IAM role ${p.roleName} issued before ${p.issuedBefore ?? 'the time the step runs'}`],
  undo: { action: 'aws.restoreRoleSessions', with: { roleName: '{{ self.params.roleName }}', account: '{{ self.params.account }}' } },
  async run(p, ctx, dryRun) {
    const iam = await awsIam(ctx.deps, p.account);
    return outcomeOf(await iam.setRoleSessionsRevoked({ roleName: p.roleName, revoked: true, issuedBefore: p.issuedBefore ?? nowSeconds(), dryRun }), dryRun);
  },
});

/** Lifts the revocation (the undo of aws.revokeRoleSessions). */
export const awsRestoreRoleSessions = defineAction({
  name: 'aws.restoreRoleSessions',
  title: "Restore an AWS role's sessions",
  kind: 'change',
  destructive: false,
  params: restoreParams,
  describe: (p) => [`lift the session revocation on IAM role ${p.roleName}`],
  async run(p, ctx, dryRun) {
    const iam = await awsIam(ctx.deps, p.account);
    return outcomeOf(await iam.setRoleSessionsRevoked({ roleName: p.roleName, revoked: false, issuedBefore: nowSeconds(), dryRun }), dryRun);
  },
});
