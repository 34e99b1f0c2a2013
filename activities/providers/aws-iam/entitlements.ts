import { GetAccessKeyLastUsedCommand, ListAccountAliasesCommand, ListServiceSpecificCredentialsCommand, ListUsersCommand, paginateListUsers } from '@aws-sdk/client-iam';
import type { IamAccessKey, IamEntitlements, IamServiceCredential, IamUserEntitlements } from '../../ports/iam.js';
import { awsCall, awsErrorCode, httpStatusOf, isNotFound, translateAwsError } from './errors.js';
import {
  getLoginProfile,
  listAccessKeys,
  listAttachedPolicies,
  listGroups,
  listInlinePolicyNames,
  listMfaDevices,
  listSigningCertificates,
  listSshKeys,
  requireUser,
  userSubject,
  type AccessKeyState,
  type IamContext,
  type UserRef,
} from './reads.js';

/** Users read at once: enough to keep a large listing quick, few enough not to invite throttling. */
const CONCURRENCY = 4;
const iso = (d: Date | undefined) => d?.toISOString();
const NOT_IMPLEMENTED = new Set(['NotImplemented', 'InvalidAction', 'UnknownOperation', 'UnknownOperationException']);

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function listUsers(ctx: IamContext, userNames: readonly string[] | undefined): Promise<UserRef[]> {
  if (userNames) return mapLimit(userNames, CONCURRENCY, (name) => requireUser(ctx, name));
  return awsCall({ operation: 'ListUsers', subject: 'all IAM users' }, async () => {
    const users: UserRef[] = [];
    for await (const page of paginateListUsers({ client: ctx.client, pageSize: ctx.pageSize }, {})) {
      for (const u of page.Users ?? [])
        users.push({ userName: u.UserName ?? '', arn: u.Arn ?? '', ...(u.CreateDate ? { createDate: u.CreateDate } : {}), ...(u.PasswordLastUsed ? { passwordLastUsed: u.PasswordLastUsed } : {}) });
    }
    return users;
  });
}

/** The key with its last use; a key deleted while the listing runs is reported without one. */
async function withLastUsed(ctx: IamContext, key: AccessKeyState): Promise<IamAccessKey> {
  const listed = { accessKeyId: key.accessKeyId, status: key.status, createDate: iso(key.createDate) };
  try {
    const { AccessKeyLastUsed: used } = await awsCall({ operation: 'GetAccessKeyLastUsed', subject: `access key ${key.accessKeyId}` }, () =>
      ctx.client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId })),
    );
    return used?.LastUsedDate ? { ...listed, lastUsed: { date: used.LastUsedDate.toISOString(), service: used.ServiceName, region: used.Region } } : listed;
  } catch (err) {
    if (isNotFound(err)) return listed;
    throw err;
  }
}

/**
 * ListServiceSpecificCredentials, or why it cannot be read. An endpoint that does not implement
 * the operation (moto answers HTTP 500 with an HTML page, not an AWS error) yields a reason
 * instead of failing the whole listing; real AWS errors (throttling, denial…) still throw.
 */
async function serviceCredentials(ctx: IamContext, userName: string): Promise<readonly IamServiceCredential[] | { unavailable: string }> {
  try {
    const { ServiceSpecificCredentials: creds } = await ctx.client.send(new ListServiceSpecificCredentialsCommand({ UserName: userName }));
    return (creds ?? []).map((c) => ({
      id: c.ServiceSpecificCredentialId ?? '',
      serviceName: c.ServiceName ?? '',
      status: c.Status ?? 'Unknown',
      ...(c.ServiceUserName ? { serviceUserName: c.ServiceUserName } : {}),
      ...(c.CreateDate ? { createDate: c.CreateDate.toISOString() } : {}),
    }));
  } catch (err) {
    const code = awsErrorCode(err);
    const status = httpStatusOf(err);
    if (code && NOT_IMPLEMENTED.has(code)) return { unavailable: `the IAM endpoint does not implement ListServiceSpecificCredentials (${code})` };
    if (!code && status !== undefined && status >= 500) {
      return { unavailable: `the IAM endpoint answered ListServiceSpecificCredentials with HTTP ${status} and no AWS error (it does not implement the operation; moto does not)` };
    }
    throw translateAwsError(err, { operation: 'ListServiceSpecificCredentials', subject: userSubject(userName) });
  }
}

async function entitlementsOf(ctx: IamContext, user: UserRef, sscKnownMissing: { reason?: string }): Promise<IamUserEntitlements> {
  const name = user.userName;
  const [groups, attached, inline, keys, profile, mfa, ssh, certs] = await Promise.all([
    listGroups(ctx, name),
    listAttachedPolicies(ctx, name),
    listInlinePolicyNames(ctx, name),
    listAccessKeys(ctx, name),
    getLoginProfile(ctx, name),
    listMfaDevices(ctx, name),
    listSshKeys(ctx, name),
    listSigningCertificates(ctx, name),
  ]);
  const accessKeys = await Promise.all(keys.map((k) => withLastUsed(ctx, k)));
  const ssc = sscKnownMissing.reason ? { unavailable: sscKnownMissing.reason } : await serviceCredentials(ctx, name);
  if ('unavailable' in ssc) sscKnownMissing.reason = ssc.unavailable;
  return {
    userName: name,
    arn: user.arn,
    ...(user.createDate ? { createDate: user.createDate.toISOString() } : {}),
    ...(user.passwordLastUsed ? { passwordLastUsed: user.passwordLastUsed.toISOString() } : {}),
    groups,
    attachedPolicies: attached,
    inlinePolicies: inline,
    accessKeys,
    loginProfile: profile ? { passwordResetRequired: profile.passwordResetRequired, ...(profile.createDate ? { createDate: profile.createDate.toISOString() } : {}) } : null,
    mfaDevices: mfa.map((d) => ({ serialNumber: d.serialNumber, ...(d.enableDate ? { enableDate: d.enableDate.toISOString() } : {}) })),
    sshKeys: ssh.map((k) => ({ sshPublicKeyId: k.sshPublicKeyId, status: k.status, ...(k.uploadDate ? { uploadDate: k.uploadDate.toISOString() } : {}) })),
    signingCertificates: certs,
    serviceSpecificCredentials: 'unavailable' in ssc ? 'unavailable' : ssc,
    unavailable: 'unavailable' in ssc ? { serviceSpecificCredentials: ssc.unavailable } : {},
  };
}

/**
 * Reads the entitlements of every user (ListUsers, all pages) or of the named users: groups,
 * managed and inline policies, access keys with status, creation and last use, login profile,
 * MFA devices, SSH keys, signing certificates and service-specific credentials. Read-only; a
 * named user that does not exist is AwsNotFound.
 */
export async function listEntitlements(ctx: IamContext, input: { userNames?: readonly string[] } = {}): Promise<IamEntitlements> {
  const users = await listUsers(ctx, input.userNames);
  const sscKnownMissing: { reason?: string } = {};
  return { users: await mapLimit(users, CONCURRENCY, (u) => entitlementsOf(ctx, u, sscKnownMissing)) };
}

/** One page of ListUsers: the names and the marker of the next page (absent on the last). */
export async function listUserPage(ctx: IamContext, input: { marker?: string; maxItems: number }): Promise<{ userNames: string[]; nextMarker?: string }> {
  const page = await awsCall({ operation: 'ListUsers', subject: 'a page of IAM users' }, () =>
    ctx.client.send(new ListUsersCommand({ MaxItems: input.maxItems, ...(input.marker ? { Marker: input.marker } : {}) })),
  );
  const userNames = (page.Users ?? []).map((u) => u.UserName ?? '').filter(Boolean);
  return page.IsTruncated && page.Marker ? { userNames, nextMarker: page.Marker } : { userNames };
}

/** The account's aliases (an account has at most one today; the API answers a list). */
export async function listAccountAliases(ctx: IamContext): Promise<string[]> {
  const { AccountAliases } = await awsCall({ operation: 'ListAccountAliases', subject: 'the account' }, () => ctx.client.send(new ListAccountAliasesCommand({})));
  return AccountAliases ?? [];
}
