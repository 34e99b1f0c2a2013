import { z } from 'zod';
import { defineAction } from '../../types.js';
import { account, awsIam, userName } from './params.js';

/**
 * Reads who holds what in IAM (read-only, so it reads in dry run too): each user's groups,
 * policies, access keys with last use, login profile, MFA, SSH keys and service-specific credentials.
 */
export const awsListEntitlements = defineAction({
  name: 'aws.listEntitlements',
  title: 'List AWS IAM entitlements',
  kind: 'read',
  destructive: false,
  params: z.strictObject({ userNames: z.array(userName).min(1).optional().describe('omit to list every IAM user'), account }),
  describe: (p) => [p.userNames ? `read the IAM entitlements of ${p.userNames.join(', ')}` : 'read the IAM entitlements of every user'],
  async run(p, ctx, dryRun) {
    const { users } = await (await awsIam(ctx.deps, p.account)).listEntitlements(p.userNames ? { userNames: p.userNames } : {});
    const plan = [`read the IAM entitlements of ${users.length} user${users.length === 1 ? '' : 's'}`];
    return { status: dryRun ? 'planned' : 'already', plan, output: { userCount: users.length, users } };
  },
});
