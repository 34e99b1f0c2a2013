import type { ChangeResult } from './change.js';

/**
 * Identity and access on a cloud provider (AWS IAM first).
 *
 * Every change reads the current state first and acts only where the world differs, so each
 * method may run again after a crash or a retry: a second call reports `changed: false` and a
 * plan that says the thing is already so. With `dryRun` the same reads happen and nothing
 * changes: the plan is exactly what a real call would do now, `changed` is false and `after`
 * is the state a real call would leave (`afterFrom: 'plan'`). After a change, `after` is read
 * back at IAM (`afterFrom: 'peer'`), never the state asked for; IAM reads are eventually
 * consistent, so an access key status or a role's revocation that does not read back yet is a
 * retryable AwsUnavailable.
 *
 * Undo records (`output.groups`, `output.policyArns`) come from the call that made the change:
 * if an attempt removes and then dies before reporting, its retry finds nothing left to remove
 * and records an empty list, so the undo restores nothing (CloudTrail still has the calls).
 *
 * Failures are Temporal ApplicationFailures: `AwsUnavailable` (throttling, 5xx, timeouts,
 * network) is retryable; `AwsNotFound`, `AwsAccessDenied`, `DeleteConflict`, `ValidationError`,
 * `LimitExceeded` and `InvalidInput` are not.
 */
export interface Iam {
  /** Sets an access key Active or Inactive. */
  setAccessKeyStatus(input: { userName: string; accessKeyId: string; status: 'Active' | 'Inactive'; dryRun: boolean }): Promise<ChangeResult>;
  /** Deletes an access key; a key that is gone reports "already deleted". */
  deleteAccessKey(input: { userName: string; accessKeyId: string; dryRun: boolean }): Promise<ChangeResult>;
  /** Attaches (or detaches) the customer-managed deny-all policy `WardenQuarantine`, creating it if missing. */
  setQuarantine(input: { userName: string; quarantined: boolean; dryRun: boolean }): Promise<ChangeResult>;
  /**
   * Revokes the sessions of a role issued before `issuedBefore` (an inline deny-all policy on the
   * condition aws:TokenIssueTime, as AWS's own "revoke active sessions" does), or lifts that
   * revocation. A role's temporary credentials cannot be disabled one by one; this is how they end.
   */
  setRoleSessionsRevoked(input: { roleName: string; revoked: boolean; issuedBefore: string; dryRun: boolean }): Promise<ChangeResult>;
  /** Deletes the console password (login profile). */
  deleteLoginProfile(input: { userName: string; dryRun: boolean }): Promise<ChangeResult>;
  /** Deactivates every MFA device of the user. `output.serials`: the devices deactivated. */
  deactivateMfaDevices(input: { userName: string; dryRun: boolean }): Promise<ChangeResult>;
  /** Removes the user from the given groups, or from all. `output.groups`: the groups it was removed from, for undo. */
  removeFromGroups(input: { userName: string; groups?: readonly string[]; dryRun: boolean }): Promise<ChangeResult>;
  /** Adds the user to groups (the undo of removeFromGroups). `output.groups`: the groups joined. */
  addToGroups(input: { userName: string; groups: readonly string[]; dryRun: boolean }): Promise<ChangeResult>;
  /**
   * Detaches the given managed policies, or all but `WardenQuarantine` (which only
   * setQuarantine lifts). `output.policyArns`: the policies detached, for undo.
   */
  detachUserPolicies(input: { userName: string; policyArns?: readonly string[]; dryRun: boolean }): Promise<ChangeResult>;
  /** Attaches managed policies (the undo of detachUserPolicies). `output.policyArns`: those attached. */
  attachUserPolicies(input: { userName: string; policyArns: readonly string[]; dryRun: boolean }): Promise<ChangeResult>;
  /** Deletes the given inline policies, or all. `output.policies`: each deleted policy with its document, for the record. */
  deleteInlinePolicies(input: { userName: string; policyNames?: readonly string[]; dryRun: boolean }): Promise<ChangeResult>;
  /** Deletes the given SSH public keys, or all. `output.keyIds`: the keys deleted. */
  deleteSshKeys(input: { userName: string; sshKeyIds?: readonly string[]; dryRun: boolean }): Promise<ChangeResult>;
  /**
   * Deletes the user. Refuses with a non-retryable `DeleteConflict` while access keys, a login
   * profile, MFA devices, group memberships, managed or inline policies, SSH keys or signing
   * certificates remain (AWS's rule, enforced here before calling). A user that is gone reports
   * "already deleted".
   */
  deleteUser(input: { userName: string; dryRun: boolean }): Promise<ChangeResult>;
  /** Reads who holds what: every user (or the named ones) with groups, policies and credentials. */
  listEntitlements(input?: { userNames?: readonly string[] }): Promise<IamEntitlements>;
  /** One page of user names (ListUsers with Marker/MaxItems), for reading a large account in batches. */
  listUserPage(input: { marker?: string; maxItems: number }): Promise<{ userNames: string[]; nextMarker?: string }>;
  /** The account's aliases (ListAccountAliases): how people may name the account in the directory. */
  listAccountAliases(): Promise<string[]>;
  /** The account these credentials act in: its id (STS GetCallerIdentity) and its aliases. Read once, then remembered. */
  accountNames(): Promise<string[]>;
}

export interface IamEntitlements {
  readonly users: readonly IamUserEntitlements[];
}

/** Dates are ISO-8601 strings. */
export interface IamUserEntitlements {
  readonly userName: string;
  readonly arn: string;
  readonly createDate?: string;
  /** The last console sign-in, when IAM has one. */
  readonly passwordLastUsed?: string;
  readonly groups: readonly string[];
  readonly attachedPolicies: readonly { readonly name: string; readonly arn: string }[];
  readonly inlinePolicies: readonly string[];
  readonly accessKeys: readonly IamAccessKey[];
  readonly loginProfile: { readonly createDate?: string; readonly passwordResetRequired: boolean } | null;
  readonly mfaDevices: readonly { readonly serialNumber: string; readonly enableDate?: string }[];
  readonly sshKeys: readonly { readonly sshPublicKeyId: string; readonly status: string; readonly uploadDate?: string }[];
  readonly signingCertificates: readonly { readonly certificateId: string; readonly status: string }[];
  /**
   * Service-specific credentials (CodeCommit, Keyspaces, Bedrock…), or `'unavailable'` when the
   * endpoint does not implement ListServiceSpecificCredentials (moto answers it with an HTML
   * 500); `unavailable.serviceSpecificCredentials` then says why.
   */
  readonly serviceSpecificCredentials: readonly IamServiceCredential[] | 'unavailable';
  /** Why a part of the listing could not be read, by field name. Empty when everything was read. */
  readonly unavailable: Readonly<Partial<Record<'serviceSpecificCredentials', string>>>;
}

export interface IamAccessKey {
  readonly accessKeyId: string;
  readonly status: string;
  readonly createDate?: string;
  /** Absent when the key was never used (or the endpoint does not track use). */
  readonly lastUsed?: { readonly date?: string; readonly service?: string; readonly region?: string };
}

export interface IamServiceCredential {
  readonly id: string;
  readonly serviceName: string;
  readonly serviceUserName?: string;
  readonly status: string;
  readonly createDate?: string;
}
