import { z } from 'zod';
import { outcomeOf } from '../provider-change.js';
import { defineAction, requireDep } from '../types.js';

const params = z.strictObject({
  userName: z.string().min(1).describe('IAM user name'),
  accessKeyId: z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{12,}$/, 'an AWS access key id (AKIA…/ASIA…)'),
});
const HOW = 'configure AWS credentials (the default credential chain) and AWS_ENDPOINT_URL_IAM if not AWS';

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
