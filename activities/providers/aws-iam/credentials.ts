import { DeactivateMFADeviceCommand, DeleteAccessKeyCommand, DeleteLoginProfileCommand, DeleteSSHPublicKeyCommand, GetAccessKeyLastUsedCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import type { ChangeResult } from '../../ports/change.js';
import { carryOut, note, removal, step } from './change.js';
import { awsCall, isNotFound } from './errors.js';
import { getLoginProfile, listAccessKeys, listMfaDevices, listSshKeys, requireUser, userSubject, type AccessKeyState, type IamContext } from './reads.js';
import { failure, FailureKind } from '../../../contracts/failures.js';

const keySubject = (userName: string, accessKeyId: string) => `access key ${accessKeyId} of ${userSubject(userName)}`;

/** The user a key belongs to (GetAccessKeyLastUsed names it), or undefined when the key does not exist. */
async function ownerOf(ctx: IamContext, accessKeyId: string): Promise<string | undefined> {
  try {
    const { UserName } = await awsCall({ operation: 'GetAccessKeyLastUsed', subject: `access key ${accessKeyId}` }, () =>
      ctx.client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId })),
    );
    return UserName;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const wrongOwner = (accessKeyId: string, owner: string, userName: string) => `access key ${accessKeyId} belongs to ${userSubject(owner)}, not ${userSubject(userName)}; check the user name`;

/**
 * Sets an access key Active or Inactive after reading it (ListAccessKeys). Idempotent: a key
 * already in that status reports "already". A key the user does not have is AwsNotFound.
 */
export async function setAccessKeyStatus(ctx: IamContext, input: { userName: string; accessKeyId: string; status: 'Active' | 'Inactive'; dryRun: boolean }): Promise<ChangeResult> {
  const { userName, accessKeyId, status } = input;
  const key = (await listAccessKeys(ctx, userName)).find((k) => k.accessKeyId === accessKeyId);
  if (!key) {
    const owner = await ownerOf(ctx, accessKeyId);
    throw failure(FailureKind.AwsNotFound, owner ? wrongOwner(accessKeyId, owner, userName) : `${keySubject(userName, accessKeyId)} does not exist (ListAccessKeys)`);
  }
  const call = { operation: 'UpdateAccessKey', subject: keySubject(userName, accessKeyId) };
  const entries =
    key.status === status
      ? [note(`${keySubject(userName, accessKeyId)} is already ${status}`)]
      : [
          step(`set ${keySubject(userName, accessKeyId)} from ${key.status} to ${status}`, () =>
            awsCall(call, () => ctx.client.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: status }))),
          ),
        ];
  // Applied means read back at the peer: the status AWS reports now, not the one asked for.
  const readBack = async () => ({ status: (await listAccessKeys(ctx, userName)).find((k) => k.accessKeyId === accessKeyId)?.status ?? null });
  const result = await carryOut({ dryRun: input.dryRun, entries, before: { status: key.status }, after: { status }, readBack });
  if (!result.changed) return result;
  const now = (result.after as { status: string | null }).status;
  if (now !== status) {
    // IAM is eventually consistent: retryable, and the retry reads again before it acts.
    throw failure(FailureKind.AwsUnavailable, `${keySubject(userName, accessKeyId)}: UpdateAccessKey to ${status} was accepted but ListAccessKeys still reads ${now ?? 'no such key'}`);
  }
  return { ...result, output: { ...result.output, readBack: 'ListAccessKeys' } };
}

/**
 * Deletes an access key after reading it. Idempotent: a key that is gone reports "already
 * deleted"; one that exists under another user is a non-retryable AwsNotFound.
 */
export async function deleteAccessKey(ctx: IamContext, input: { userName: string; accessKeyId: string; dryRun: boolean }): Promise<ChangeResult> {
  const { userName, accessKeyId } = input;
  const key = (await listAccessKeys(ctx, userName)).find((k) => k.accessKeyId === accessKeyId);
  // A wrong user name must not pass for "already deleted" while the key lives on elsewhere.
  const owner = key ? userName : await ownerOf(ctx, accessKeyId);
  if (owner && owner !== userName) throw failure(FailureKind.AwsNotFound, wrongOwner(accessKeyId, owner, userName));
  const call = { operation: 'DeleteAccessKey', subject: keySubject(userName, accessKeyId) };
  const entries = key
    ? [
        step(`delete ${keySubject(userName, accessKeyId)} (${key.status})`, () =>
          removal(() => awsCall(call, () => ctx.client.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId })))),
        ),
      ]
    : [note(`${keySubject(userName, accessKeyId)} is already deleted`)];
  const stateOf = (k: AccessKeyState | undefined) => ({ accessKey: k ? { accessKeyId, status: k.status, createDate: k.createDate?.toISOString() } : null });
  const readBack = async () => stateOf((await listAccessKeys(ctx, userName)).find((k) => k.accessKeyId === accessKeyId));
  return carryOut({ dryRun: input.dryRun, entries, before: stateOf(key), after: { accessKey: null }, readBack });
}

/** Deletes the console password. Idempotent: a user without one reports "already deleted". */
export async function deleteLoginProfile(ctx: IamContext, input: { userName: string; dryRun: boolean }): Promise<ChangeResult> {
  const { userName } = input;
  await requireUser(ctx, userName);
  const profile = await getLoginProfile(ctx, userName);
  const call = { operation: 'DeleteLoginProfile', subject: userSubject(userName) };
  const entries = profile
    ? [step(`delete the console login profile of ${userSubject(userName)}`, () => removal(() => awsCall(call, () => ctx.client.send(new DeleteLoginProfileCommand({ UserName: userName })))))]
    : [note(`${userSubject(userName)} has no console login profile (already deleted)`)];
  return carryOut({
    dryRun: input.dryRun,
    entries,
    before: { loginProfile: profile !== null },
    after: { loginProfile: false },
    readBack: async () => ({ loginProfile: (await getLoginProfile(ctx, userName)) !== null }),
  });
}

/** Deactivates every MFA device of the user. Idempotent: none left reports so. `output.serials`: those deactivated. */
export async function deactivateMfaDevices(ctx: IamContext, input: { userName: string; dryRun: boolean }): Promise<ChangeResult> {
  const { userName } = input;
  const devices = await listMfaDevices(ctx, userName);
  const entries = devices.length
    ? devices.map((d) =>
        step(`deactivate MFA device ${d.serialNumber} of ${userSubject(userName)}`, () =>
          removal(() =>
            awsCall({ operation: 'DeactivateMFADevice', subject: `MFA device ${d.serialNumber} of ${userSubject(userName)}` }, () =>
              ctx.client.send(new DeactivateMFADeviceCommand({ UserName: userName, SerialNumber: d.serialNumber })),
            ),
          ),
        ),
      )
    : [note(`${userSubject(userName)} has no MFA devices`)];
  const serials = devices.map((d) => d.serialNumber);
  return carryOut({
    dryRun: input.dryRun,
    entries,
    before: { mfaDevices: serials },
    after: { mfaDevices: [] },
    readBack: async () => ({ mfaDevices: (await listMfaDevices(ctx, userName)).map((d) => d.serialNumber) }),
    output: { serials },
  });
}

/** Deletes the given SSH public keys, or all. Idempotent: keys already gone are noted. `output.keyIds`: those deleted. */
export async function deleteSshKeys(ctx: IamContext, input: { userName: string; sshKeyIds?: readonly string[]; dryRun: boolean }): Promise<ChangeResult> {
  const { userName } = input;
  const present = (await listSshKeys(ctx, userName)).map((k) => k.sshPublicKeyId);
  const wanted = input.sshKeyIds ?? present;
  const keyIds = wanted.filter((id) => present.includes(id));
  const entries = wanted.map((id) =>
    present.includes(id)
      ? step(`delete SSH public key ${id} of ${userSubject(userName)}`, () =>
          removal(() =>
            awsCall({ operation: 'DeleteSSHPublicKey', subject: `SSH public key ${id} of ${userSubject(userName)}` }, () =>
              ctx.client.send(new DeleteSSHPublicKeyCommand({ UserName: userName, SSHPublicKeyId: id })),
            ),
          ),
        )
      : note(`SSH public key ${id} of ${userSubject(userName)} is already deleted`),
  );
  if (entries.length === 0) entries.push(note(`${userSubject(userName)} has no SSH public keys`));
  return carryOut({
    dryRun: input.dryRun,
    entries,
    before: { sshKeyIds: present },
    after: { sshKeyIds: present.filter((id) => !keyIds.includes(id)) },
    readBack: async () => ({ sshKeyIds: (await listSshKeys(ctx, userName)).map((k) => k.sshPublicKeyId) }),
    output: { keyIds },
  });
}
