import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction } from '../../types.js';
import { accessKeyId, account, awsIam, userName } from './params.js';

const params = z.strictObject({ userName, account, accessKeyId });

/** Sets an access key Inactive: it stops authenticating at once, and can be re-enabled (the undo). */
export const awsDisableAccessKey = defineAction({
  name: 'aws.disableAccessKey',
  title: 'Disable AWS access key',
  kind: 'change',
  destructive: true,
  params,
  describe: (p) => [`set access key ${p.accessKeyId} of IAM user ${p.userName} to Inactive`],
  undo: { action: 'aws.enableAccessKey', with: { userName: '{{ self.params.userName }}', account: '{{ self.params.account }}', accessKeyId: '{{ self.params.accessKeyId }}' } },
  async run(p, ctx, dryRun) {
    const iam = await awsIam(ctx.deps, p.account);
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
    const iam = await awsIam(ctx.deps, p.account);
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
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).deleteAccessKey({ ...p, dryRun }), dryRun);
  },
});
