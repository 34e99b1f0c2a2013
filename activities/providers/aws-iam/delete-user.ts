import { DeleteUserCommand } from '@aws-sdk/client-iam';
import type { ChangeResult } from '../../ports/change.js';
import { carryOut, note, removal, step } from './change.js';
import { awsCall } from './errors.js';
import { QUARANTINE_POLICY } from './quarantine.js';
import {
  findUser,
  getLoginProfile,
  listAccessKeys,
  listAttachedPolicies,
  listGroups,
  listInlinePolicyNames,
  listMfaDevices,
  listSigningCertificates,
  listSshKeys,
  userSubject,
  type IamContext,
} from './reads.js';
import { failure, FailureKind } from '../../../contracts/failures.js';

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What still hangs off the user and blocks DeleteUser on AWS, each with the action that removes it. */
async function blockers(ctx: IamContext, userName: string): Promise<string[]> {
  const [keys, profile, mfa, groups, attached, inline, ssh, certs] = await Promise.all([
    listAccessKeys(ctx, userName),
    getLoginProfile(ctx, userName),
    listMfaDevices(ctx, userName),
    listGroups(ctx, userName),
    listAttachedPolicies(ctx, userName),
    listInlinePolicyNames(ctx, userName),
    listSshKeys(ctx, userName),
    listSigningCertificates(ctx, userName),
  ]);
  const found: string[] = [];
  if (keys.length) found.push(`${count(keys.length, 'access key')} (aws.deleteAccessKey)`);
  if (profile) found.push('a console login profile (aws.deleteLoginProfile)');
  if (mfa.length) found.push(`${count(mfa.length, 'MFA device')} (aws.deactivateMfa)`);
  if (groups.length) found.push(`membership of ${count(groups.length, 'group')} (aws.removeFromGroups)`);
  if (attached.length)
    found.push(`${count(attached.length, 'managed policy', 'managed policies')} (aws.detachUserPolicies${attached.some((p) => p.name === QUARANTINE_POLICY) ? ', aws.releaseQuarantine' : ''})`);
  if (inline.length) found.push(`${count(inline.length, 'inline policy', 'inline policies')} (aws.deleteInlinePolicies)`);
  if (ssh.length) found.push(`${count(ssh.length, 'SSH public key')} (aws.deleteSshKeys)`);
  if (certs.length) found.push(`${count(certs.length, 'signing certificate')} (remove them in IAM)`);
  return found;
}

/**
 * Deletes the user once nothing hangs off it. AWS answers DeleteConflict while access keys, a
 * login profile, MFA devices, groups, policies, SSH keys or signing certificates remain; some
 * endpoints (moto) delete anyway, so this checks first and refuses with a non-retryable
 * `DeleteConflict` naming what is left and the action that removes it. In dry run the plan says
 * what would block the delete now. Idempotent: a user that is gone reports "already deleted".
 */
export async function deleteUser(ctx: IamContext, input: { userName: string; dryRun: boolean }): Promise<ChangeResult> {
  const { userName } = input;
  const user = await findUser(ctx, userName);
  const existsNow = async () => {
    const now = await findUser(ctx, userName);
    return now ? { exists: true, arn: now.arn } : { exists: false };
  };
  if (!user)
    return carryOut({ dryRun: input.dryRun, entries: [note(`${userSubject(userName)} does not exist (already deleted)`)], before: { exists: false }, after: { exists: false }, readBack: existsNow });
  const left = await blockers(ctx, userName);
  const blocked = `${userSubject(userName)} still has ${left.join(', ')}; AWS refuses DeleteUser until they are removed`;
  if (left.length && !input.dryRun) throw failure(FailureKind.DeleteConflict, blocked);
  const entries = [
    step(`delete ${userSubject(userName)}`, () =>
      removal(() => awsCall({ operation: 'DeleteUser', subject: userSubject(userName) }, () => ctx.client.send(new DeleteUserCommand({ UserName: userName })))),
    ),
    ...(left.length ? [note(`blocked now: ${blocked}`)] : []),
  ];
  return carryOut({ dryRun: input.dryRun, entries, before: { exists: true, arn: user.arn }, after: { exists: false }, readBack: existsNow });
}
