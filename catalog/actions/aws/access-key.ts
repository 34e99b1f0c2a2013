import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction, requireDep } from '../../types.js';
import { accessKeyId, HOW, userName } from './params.js';

const params = z.strictObject({ userName, accessKeyId });

/** Sets an access key Inactive: it stops authenticating at once, and can be re-enabled (the undo). */
export const awsDisableAccessKey = defineAction({
  name: 'aws.disableAccessKey',
  title: 'Disable AWS access key',
  kind: 'change',
  destructive: true,
  params,
  describe: (p) => [`set access key ${p.accessKeyId} of IAM user ${p.userName} to Inactive`],
  undo: { action: 'aws.enableAccessKey', with: { userName: '{{ self.params.userName }}', accessKeyId: '{{ self.params.accessKeyId }}' } },
  async run(p, ctx, dryRun) {
    const iam = requireDep(ctx.deps, 'iam', HOW);
    return outcomeOf(await iam.setAccessKeyStatus({ ...p, status: 'Inactive', dryRun }), dryRun);
  },
});

/** Sets an access key Active again (the undo of aws.disableAccessKey). */
export const awsEnableAccessKey = defineAction({
  name: 'aws.enableAccessKey',
  title: 'Re-enable AWS access key',
  kind: 'change',
  destructive: false,
  params,
  describe: (p) => [`set access key ${p.accessKeyId} of IAM user ${p.userName} to Active`],
  async run(p, ctx, dryRun) {
    const iam = requireDep(ctx.deps, 'iam', HOW);
    return outcomeOf(await iam.setAccessKeyStatus({ ...p, status: 'Active', dryRun }), dryRun);
  },
});

/** Deletes an access key for good: no undo (a new key would have a new id and secret). */
export const awsDeleteAccessKey = defineAction({
  name: 'aws.deleteAccessKey',
  title: 'Delete AWS access key',
  kind: 'change',
  destructive: true,
  params,
  describe: (p) => [`delete access key ${p.accessKeyId} of IAM user ${p.userName}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'iam', HOW).deleteAccessKey({ ...p, dryRun }), dryRun);
  },
});
