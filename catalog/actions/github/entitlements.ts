import { z } from 'zod';
import { defineAction, requireDep } from '../../types.js';
import { HOW } from './params.js';

/**
 * Reads the organization's entitlements: members with role, teams with members, outside
 * collaborators, direct repository collaborators, pending invitations and fine-grained token
 * grants. Read-only, so it reads in a dry run too; the output is the entitlements themselves.
 */
export const githubListEntitlements = defineAction({
  name: 'github.listEntitlements',
  title: 'List GitHub organization entitlements',
  kind: 'read',
  destructive: false,
  params: z.strictObject({}),
  describe: () => ['read the members, teams, collaborators, invitations and token grants of the GitHub organization'],
  async run(_p, ctx, dryRun) {
    const entitlements = await requireDep(ctx.deps, 'code', HOW).listEntitlements();
    const plan = [`read the entitlements of GitHub organization ${entitlements.org}`];
    return { status: dryRun ? 'planned' : 'already', plan, output: { ...entitlements } };
  },
});
