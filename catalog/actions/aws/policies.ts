import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction } from '../../types.js';
import { account, awsIam, inlinePolicyName, listed, policyArn, userName } from './params.js';

/**
 * Detaches managed policies from the user, the listed ones or all but WardenQuarantine;
 * output.policyArns records them and the undo re-attaches them.
 */
export const awsDetachUserPolicies = defineAction({
  name: 'aws.detachUserPolicies',
  title: 'Detach AWS managed policies',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ userName, account, policyArns: z.array(policyArn).min(1).optional().describe('omit to detach every managed policy but WardenQuarantine') }),
  describe: (p) => [p.policyArns ? `detach managed policies ${listed(p.policyArns)} from IAM user ${p.userName}` : `detach every managed policy but WardenQuarantine from IAM user ${p.userName}`],
  undo: { action: 'aws.attachUserPolicies', with: { userName: '{{ self.params.userName }}', account: '{{ self.params.account }}', policyArns: '{{ self.output.policyArns }}' } },
  async run(p, ctx, dryRun) {
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).detachUserPolicies({ ...p, dryRun }), dryRun);
  },
});

/** Attaches managed policies to the user (the undo of aws.detachUserPolicies; an empty list is a no-op). */
export const awsAttachUserPolicies = defineAction({
  name: 'aws.attachUserPolicies',
  title: 'Attach AWS managed policies',
  kind: 'change',
  destructive: false,
  params: z.strictObject({ userName, account, policyArns: z.array(policyArn).describe('managed policies to attach') }),
  describe: (p) => [p.policyArns.length ? `attach managed policies ${listed(p.policyArns)} to IAM user ${p.userName}` : `attach no managed policies to IAM user ${p.userName}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).attachUserPolicies({ ...p, dryRun }), dryRun);
  },
});

/** Deletes the user's inline policies, the listed ones or all; output.policies keeps each document for the record. No undo. */
export const awsDeleteInlinePolicies = defineAction({
  name: 'aws.deleteInlinePolicies',
  title: 'Delete AWS inline policies',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ userName, account, policyNames: z.array(inlinePolicyName).min(1).optional().describe('omit to delete every inline policy of the user') }),
  describe: (p) => [p.policyNames ? `delete inline policies ${listed(p.policyNames)} of IAM user ${p.userName}` : `delete every inline policy of IAM user ${p.userName}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).deleteInlinePolicies({ ...p, dryRun }), dryRun);
  },
});
