import { IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { Iam } from '../../ports/iam.js';
import type { IamAuthorizationRead } from '../../ports/inventory.js';
import { createIamInventoryRead } from './inventory-read.js';
import { deactivateMfaDevices, deleteAccessKey, deleteLoginProfile, deleteSshKeys, setAccessKeyStatus } from './credentials.js';
import { deleteUser } from './delete-user.js';
import { awsCall } from './errors.js';
import { listAccountAliases, listEntitlements, listUserPage } from './entitlements.js';
import { addToGroups, attachUserPolicies, deleteInlinePolicies, detachUserPolicies, removeFromGroups } from './memberships.js';
import type { IamContext } from './reads.js';
import { setQuarantine } from './quarantine.js';
import { setRoleSessionsRevoked } from './role-sessions.js';

export interface AwsIamOptions {
  /** Signing region; IAM is global, so us-east-1 unless the partition needs another (GovCloud, China). */
  readonly region?: string;
  /** An IAM-compatible endpoint (moto, a VPC endpoint). Without it the SDK reads AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL, else AWS. */
  readonly endpoint?: string;
  /** Static credentials; without them the SDK's default chain (env, profile, SSO, web identity, container, instance). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Act in another account through this role (STS AssumeRole on top of the credentials above or the default chain). */
  readonly assumeRole?: { readonly roleArn: string; readonly externalId?: string; readonly stsEndpoint?: string };
  /** Items per page for list calls (MaxItems); default 100. */
  readonly pageSize?: number;
}

/** Credentials of an assumed role, refreshed by the SDK before they expire. */
function assumedRole(opts: AwsIamOptions, role: NonNullable<AwsIamOptions['assumeRole']>): ReturnType<typeof fromTemporaryCredentials> {
  return fromTemporaryCredentials({
    params: { RoleArn: role.roleArn, RoleSessionName: 'warden', ...(role.externalId ? { ExternalId: role.externalId } : {}) },
    ...(opts.credentials ? { masterCredentials: { ...opts.credentials } } : {}),
    clientConfig: { region: opts.region ?? 'us-east-1', maxAttempts: 1, ...(role.stsEndpoint ? { endpoint: role.stsEndpoint } : {}) },
  });
}

/**
 * The Iam port on `@aws-sdk/client-iam`. The client never retries (`maxAttempts: 1`): Temporal
 * owns retries, and every failure is translated into a typed ApplicationFailure (see errors.ts).
 * To act as another role, use the default chain's role support (a profile with `role_arn`, or
 * AWS_ROLE_ARN with a web identity token) rather than an option here.
 *
 * Side effects: only the IAM calls each method names in its plan. Idempotency: every change
 * reads current state first and acts only where it differs; dry runs read and change nothing.
 */
function iamClient(opts: AwsIamOptions): IAMClient {
  return new IAMClient({
    region: opts.region ?? 'us-east-1',
    maxAttempts: 1,
    // A hung call fails fast as a retryable timeout instead of using up the activity's timeout.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.assumeRole ? { credentials: assumedRole(opts, opts.assumeRole) } : opts.credentials ? { credentials: { ...opts.credentials } } : {}),
  });
}

/** The AI inventory's IAM reads (inventory-read.ts) on a client built like createAwsIam's. */
export function createAwsIamInventory(opts: AwsIamOptions = {}): IamAuthorizationRead {
  return createIamInventoryRead({ client: iamClient(opts), pageSize: opts.pageSize ?? 100 });
}

export function createAwsIam(opts: AwsIamOptions = {}): Iam {
  const client = iamClient(opts);
  const ctx: IamContext = { client, pageSize: opts.pageSize ?? 100 };
  let names: Promise<string[]> | undefined;
  const accountNames = (): Promise<string[]> => {
    names ??= (async () => {
      // STS at the IAM endpoint when one is given (moto, a proxy); else the SDK's own resolution.
      const sts = new STSClient({
        region: opts.region ?? 'us-east-1',
        maxAttempts: 1,
        credentials: client.config.credentials,
        requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
        ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      });
      const { Account } = await awsCall({ operation: 'GetCallerIdentity', subject: 'the account of the credentials' }, () => sts.send(new GetCallerIdentityCommand({})));
      return [...(Account ? [Account] : []), ...(await listAccountAliases(ctx))];
    })().catch((err: unknown) => {
      names = undefined;
      throw err;
    });
    return names;
  };
  return {
    setAccessKeyStatus: (input) => setAccessKeyStatus(ctx, input),
    deleteAccessKey: (input) => deleteAccessKey(ctx, input),
    setQuarantine: (input) => setQuarantine(ctx, input),
    setRoleSessionsRevoked: (input) => setRoleSessionsRevoked(ctx, input),
    deleteLoginProfile: (input) => deleteLoginProfile(ctx, input),
    deactivateMfaDevices: (input) => deactivateMfaDevices(ctx, input),
    removeFromGroups: (input) => removeFromGroups(ctx, input),
    addToGroups: (input) => addToGroups(ctx, input),
    detachUserPolicies: (input) => detachUserPolicies(ctx, input),
    attachUserPolicies: (input) => attachUserPolicies(ctx, input),
    deleteInlinePolicies: (input) => deleteInlinePolicies(ctx, input),
    deleteSshKeys: (input) => deleteSshKeys(ctx, input),
    deleteUser: (input) => deleteUser(ctx, input),
    listEntitlements: (input) => listEntitlements(ctx, input),
    listUserPage: (input) => listUserPage(ctx, input),
    listAccountAliases: () => listAccountAliases(ctx),
    accountNames,
  };
}
