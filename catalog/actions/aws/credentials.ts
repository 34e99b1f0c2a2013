import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction } from '../../types.js';
import { account, awsIam, listed, sshKeyId, userName, userOnly } from './params.js';

/** Deletes the user's console password: console sign-in stops. No undo (the password is not recoverable). */
export const awsDeleteLoginProfile = defineAction({
  name: 'aws.deleteLoginProfile',
  title: 'Delete AWS console password',
  kind: 'change',
  destructive: true,
  params: userOnly,
  describe: (p) => [`delete the console login profile of IAM user ${p.userName}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).deleteLoginProfile({ ...p, dryRun }), dryRun);
  },
});

/** Deactivates every MFA device of the user (output.serials). No undo: re-enabling needs codes from the device. */
export const awsDeactivateMfa = defineAction({
  name: 'aws.deactivateMfa',
  title: 'Deactivate AWS MFA devices',
  kind: 'change',
  destructive: true,
  params: userOnly,
  describe: (p) => [`deactivate every MFA device of IAM user ${p.userName}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).deactivateMfaDevices({ ...p, dryRun }), dryRun);
  },
});

/** Deletes the user's SSH public keys (CodeCommit), the listed ones or all (output.keyIds). No undo. */
export const awsDeleteSshKeys = defineAction({
  name: 'aws.deleteSshKeys',
  title: 'Delete AWS SSH public keys',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ userName, account, sshKeyIds: z.array(sshKeyId).min(1).optional().describe('omit to delete every SSH key of the user') }),
  describe: (p) => [p.sshKeyIds ? `delete SSH public keys ${listed(p.sshKeyIds)} of IAM user ${p.userName}` : `delete every SSH public key of IAM user ${p.userName}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await (await awsIam(ctx.deps, p.account)).deleteSshKeys({ ...p, dryRun }), dryRun);
  },
});
