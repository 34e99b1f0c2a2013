import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction } from '../../types.js';
import { account, awsIam, groupName, listed, userName } from './params.js';

/** Removes the user from the listed groups, or all; output.groups records them and the undo adds them back. */
export const awsRemoveFromGroups = defineAction({
  name: 'aws.removeFromGroups',
  title: 'Remove AWS user from groups',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ userName, account, groups: z.array(groupName).min(1).optional().describe('omit to remove the user from every group') }),
  describe: (p) => [p.groups ? `remove IAM user ${p.userName} from groups ${listed(p.groups)}` : `remove IAM user ${p.userName} from every group`],
  undo: { action: 'aws.addToGroups', with: { userName: '{{ self.params.userName }}', account: '{{ self.params.account }}', groups: '{{ self.output.groups }}' } },
  async run(p, ctx, dryRun) {
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).removeFromGroups({ ...p, dryRun }), dryRun);
  },
});

/** Adds the user to groups (the undo of aws.removeFromGroups; an empty list is a no-op). */
export const awsAddToGroups = defineAction({
  name: 'aws.addToGroups',
  title: 'Add AWS user to groups',
  kind: 'change',
  destructive: false,
  params: z.strictObject({ userName, account, groups: z.array(groupName).describe('groups to add the user to') }),
  describe: (p) => [p.groups.length ? `add IAM user ${p.userName} to groups ${listed(p.groups)}` : `add IAM user ${p.userName} to no groups`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).addToGroups({ ...p, dryRun }), dryRun);
  },
});
