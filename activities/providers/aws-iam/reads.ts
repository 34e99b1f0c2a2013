import {
  GetLoginProfileCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  paginateListAccessKeys,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
  paginateListMFADevices,
  paginateListSigningCertificates,
  paginateListSSHPublicKeys,
  paginateListUserPolicies,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { awsCall, isNotFound, type AwsCall } from './errors.js';

/** What every operation of the adapter needs: the client, and the page size for list calls. */
export interface IamContext {
  readonly client: IAMClient;
  readonly pageSize: number;
}

export interface UserRef {
  readonly userName: string;
  readonly arn: string;
  readonly createDate?: Date;
  /** The last console sign-in (GetUser/ListUsers PasswordLastUsed), when IAM has one. */
  readonly passwordLastUsed?: Date;
}

export interface AccessKeyState {
  readonly accessKeyId: string;
  readonly status: string;
  readonly createDate?: Date;
}

export const userSubject = (userName: string) => `IAM user ${userName}`;

/** Reads every page of a list call into one array, translating failures. */
async function collect<P, T>(call: AwsCall, pages: AsyncIterable<P>, pick: (page: P) => readonly T[] | undefined): Promise<T[]> {
  return awsCall(call, async () => {
    const out: T[] = [];
    for await (const page of pages) out.push(...(pick(page) ?? []));
    return out;
  });
}

const paging = (ctx: IamContext) => ({ client: ctx.client, pageSize: ctx.pageSize });

/** The user; a missing user is a non-retryable AwsNotFound. */
export async function requireUser(ctx: IamContext, userName: string): Promise<UserRef> {
  const { User } = await awsCall({ operation: 'GetUser', subject: userSubject(userName) }, () => ctx.client.send(new GetUserCommand({ UserName: userName })));
  return { userName, arn: User?.Arn ?? '', ...(User?.CreateDate ? { createDate: User.CreateDate } : {}), ...(User?.PasswordLastUsed ? { passwordLastUsed: User.PasswordLastUsed } : {}) };
}

/** The user, or undefined when it does not exist. */
export async function findUser(ctx: IamContext, userName: string): Promise<UserRef | undefined> {
  try {
    return await requireUser(ctx, userName);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function listAccessKeys(ctx: IamContext, userName: string): Promise<AccessKeyState[]> {
  return collect({ operation: 'ListAccessKeys', subject: userSubject(userName) }, paginateListAccessKeys(paging(ctx), { UserName: userName }), (p) =>
    p.AccessKeyMetadata?.map((k) => ({ accessKeyId: k.AccessKeyId ?? '', status: k.Status ?? 'Unknown', ...(k.CreateDate ? { createDate: k.CreateDate } : {}) })),
  );
}

export function listGroups(ctx: IamContext, userName: string): Promise<string[]> {
  return collect({ operation: 'ListGroupsForUser', subject: userSubject(userName) }, paginateListGroupsForUser(paging(ctx), { UserName: userName }), (p) => p.Groups?.map((g) => g.GroupName ?? ''));
}

export function listAttachedPolicies(ctx: IamContext, userName: string): Promise<{ name: string; arn: string }[]> {
  return collect({ operation: 'ListAttachedUserPolicies', subject: userSubject(userName) }, paginateListAttachedUserPolicies(paging(ctx), { UserName: userName }), (p) =>
    p.AttachedPolicies?.map((a) => ({ name: a.PolicyName ?? '', arn: a.PolicyArn ?? '' })),
  );
}

export function listInlinePolicyNames(ctx: IamContext, userName: string): Promise<string[]> {
  return collect({ operation: 'ListUserPolicies', subject: userSubject(userName) }, paginateListUserPolicies(paging(ctx), { UserName: userName }), (p) => p.PolicyNames);
}

/** An inline policy's document, decoded (IAM returns it URL-encoded) and parsed when it is JSON. */
export async function inlinePolicyDocument(ctx: IamContext, userName: string, policyName: string): Promise<unknown> {
  const { PolicyDocument } = await awsCall({ operation: 'GetUserPolicy', subject: `inline policy ${policyName} of ${userSubject(userName)}` }, () =>
    ctx.client.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: policyName })),
  );
  const text = decodeURIComponent(PolicyDocument ?? '');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function listMfaDevices(ctx: IamContext, userName: string): Promise<{ serialNumber: string; enableDate?: Date }[]> {
  return collect({ operation: 'ListMFADevices', subject: userSubject(userName) }, paginateListMFADevices(paging(ctx), { UserName: userName }), (p) =>
    p.MFADevices?.map((d) => ({ serialNumber: d.SerialNumber ?? '', ...(d.EnableDate ? { enableDate: d.EnableDate } : {}) })),
  );
}

export function listSshKeys(ctx: IamContext, userName: string): Promise<{ sshPublicKeyId: string; status: string; uploadDate?: Date }[]> {
  return collect({ operation: 'ListSSHPublicKeys', subject: userSubject(userName) }, paginateListSSHPublicKeys(paging(ctx), { UserName: userName }), (p) =>
    p.SSHPublicKeys?.map((k) => ({ sshPublicKeyId: k.SSHPublicKeyId ?? '', status: k.Status ?? 'Unknown', ...(k.UploadDate ? { uploadDate: k.UploadDate } : {}) })),
  );
}

export function listSigningCertificates(ctx: IamContext, userName: string): Promise<{ certificateId: string; status: string }[]> {
  return collect({ operation: 'ListSigningCertificates', subject: userSubject(userName) }, paginateListSigningCertificates(paging(ctx), { UserName: userName }), (p) =>
    p.Certificates?.map((c) => ({ certificateId: c.CertificateId ?? '', status: c.Status ?? 'Unknown' })),
  );
}

/** The console login profile, or null when there is none. Call it for a user known to exist: IAM answers NoSuchEntity for both. */
export async function getLoginProfile(ctx: IamContext, userName: string): Promise<{ createDate?: Date; passwordResetRequired: boolean } | null> {
  try {
    const { LoginProfile } = await awsCall({ operation: 'GetLoginProfile', subject: userSubject(userName) }, () => ctx.client.send(new GetLoginProfileCommand({ UserName: userName })));
    return { passwordResetRequired: LoginProfile?.PasswordResetRequired ?? false, ...(LoginProfile?.CreateDate ? { createDate: LoginProfile.CreateDate } : {}) };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}
