/**
 * What an offboarding revokes, as items: pure functions of the person and, for access keys, of
 * the IAM inventory. Item ids are stable, so a replay, a retry or a continue-as-new finds the
 * same items and the same idempotency keys.
 */
import type { IamUserEntitlements } from '../../activities/ports/iam.js';
import type { AwsAccountUser, Person } from '../../contracts/directory.js';
import type { OffboardingItem, OffboardingProvider } from '../../contracts/offboarding.js';

/** An item before it has run. */
export type ItemSpec = Pick<OffboardingItem, 'id' | 'provider' | 'stage' | 'credential' | 'action' | 'params'>;

/** The action that marks work Warden cannot do itself: it is escalated at once, for a person to do and waive. */
export const MANUAL = 'manual';
const QUARANTINE_POLICY = 'WardenQuarantine';

const spec = (provider: OffboardingProvider, id: string, credential: string, action: string, params: Record<string, unknown>, stage: ItemSpec['stage'] = 'revoke'): ItemSpec => ({
  id,
  provider,
  stage,
  credential,
  action,
  params,
});

const listed = (xs: readonly string[]): string => (xs.length ? xs.join(', ') : 'none at inventory');
const awsBase = (u: AwsAccountUser): string => `aws/${u.account}/${u.userName}`;
const awsWho = (u: AwsAccountUser): string => `IAM user ${u.userName} (account ${u.account})`;

/** The leaver's own Warden access: revoked in the workflow itself (its memo), first of all. */
export const wardenAccessItem = (p: Person): ItemSpec => spec('warden', `warden/${p.id}/access`, `Warden API tokens of ${p.id} <${p.email}>`, 'warden.revokeAccess', { person: p.id, email: p.email });

/** Reads what the IAM user holds; its output names the access keys to disable and delete. */
export function awsInventoryItem(u: AwsAccountUser): ItemSpec {
  return spec('aws', `${awsBase(u)}/inventory`, `inventory of ${awsWho(u)}`, 'aws.listEntitlements', { userNames: [u.userName], account: u.account });
}

/**
 * The AWS revocations in the order that closes access fastest: every access key disabled, then
 * deleted; the console password; MFA; groups; managed and inline policies; SSH keys; and last the
 * deny-all quarantine policy. All but the keys act on whatever is there when they run, so a
 * credential added after the inventory is still removed.
 */
export function awsRevocationItems(u: AwsAccountUser, inventory: IamUserEntitlements | undefined): ItemSpec[] {
  const base = awsBase(u);
  const who = awsWho(u);
  const user = { userName: u.userName, account: u.account };
  const keys = inventory?.accessKeys ?? [];
  const keyText = (k: (typeof keys)[number]) => `access key ${k.accessKeyId} (${k.status}${k.createDate ? `, created ${k.createDate}` : ''}) of ${who}`;
  const managed = (inventory?.attachedPolicies ?? []).filter((p) => p.name !== QUARANTINE_POLICY).map((p) => p.arn);
  return [
    ...keys.map((k) => spec('aws', `${base}/access-key/${k.accessKeyId}/disable`, keyText(k), 'aws.disableAccessKey', { ...user, accessKeyId: k.accessKeyId })),
    ...keys.map((k) => spec('aws', `${base}/access-key/${k.accessKeyId}/delete`, keyText(k), 'aws.deleteAccessKey', { ...user, accessKeyId: k.accessKeyId })),
    spec('aws', `${base}/login-profile`, `console password of ${who}${inventory && !inventory.loginProfile ? ' (none at inventory)' : ''}`, 'aws.deleteLoginProfile', user),
    spec('aws', `${base}/mfa`, `MFA devices of ${who}: ${listed((inventory?.mfaDevices ?? []).map((d) => d.serialNumber))}`, 'aws.deactivateMfa', user),
    spec('aws', `${base}/groups`, `group memberships of ${who}: ${listed(inventory?.groups ?? [])}`, 'aws.removeFromGroups', user),
    spec('aws', `${base}/managed-policies`, `managed policies of ${who}: ${listed(managed)}`, 'aws.detachUserPolicies', user),
    spec('aws', `${base}/inline-policies`, `inline policies of ${who}: ${listed(inventory?.inlinePolicies ?? [])}`, 'aws.deleteInlinePolicies', user),
    spec('aws', `${base}/ssh-keys`, `SSH public keys of ${who}: ${listed((inventory?.sshKeys ?? []).map((k) => k.sshPublicKeyId))}`, 'aws.deleteSshKeys', user),
    spec('aws', `${base}/quarantine`, `deny-all quarantine of ${who}`, 'aws.quarantinePrincipal', user),
  ];
}

/** After the retention period: lift the quarantine (AWS refuses to delete a user with policies), then delete the user. */
export function awsRetentionItems(u: AwsAccountUser): ItemSpec[] {
  const user = { userName: u.userName, account: u.account };
  return [
    spec('aws', `${awsBase(u)}/release-quarantine`, `deny-all quarantine of ${awsWho(u)}, lifted for the deletion`, 'aws.releaseQuarantine', user, 'retention'),
    spec('aws', `${awsBase(u)}/delete-user`, `${awsWho(u)} itself`, 'aws.deleteUser', user, 'retention'),
  ];
}

/**
 * The GitHub revocations: the person's credentials against the organization first (token grants,
 * SSO authorizations), then their membership, outside-collaborator access and pending invitations.
 */
export function githubItems(person: Person): ItemSpec[] {
  const login = person.githubLogin;
  if (!login) return [];
  const base = `github/${login}`;
  return [
    spec('github', `${base}/pat-grants`, `fine-grained personal access token grants of ${login}`, 'github.revokePatGrants', { login }),
    spec('github', `${base}/sso-authorizations`, `SAML SSO credential authorizations of ${login}`, 'github.removeSsoAuthorizations', { login }),
    spec('github', `${base}/org-membership`, `organization membership (and teams) of ${login}`, 'github.removeOrgMember', { login }),
    spec('github', `${base}/outside-collaborator`, `outside-collaborator access of ${login}`, 'github.removeOutsideCollaborator', { login }),
    spec('github', `${base}/invitations`, `pending invitations of ${login} and ${person.email}`, 'github.cancelInvitations', { login, email: person.email }),
  ];
}

/**
 * What waits for the first wave of a provider's revocations (the offboarding runs each wave all
 * at once): deleting an access key (after the key is disabled), the deny-all quarantine (detaching
 * the managed policies reads back the user's policies, which the quarantine would change under
 * it), and GitHub's membership, outside access and invitations (after the person's token grants
 * and SSO authorizations are gone).
 */
const SECOND_WAVE: ReadonlySet<string> = new Set(['aws.deleteAccessKey', 'aws.quarantinePrincipal', 'github.removeOrgMember', 'github.removeOutsideCollaborator', 'github.cancelInvitations']);

export function inSecondWave(item: Pick<OffboardingItem, 'action'>): boolean {
  return SECOND_WAVE.has(item.action);
}

/**
 * MLflow: the user's admin flag, role memberships and own grants in the auth app, removed by
 * `model.revokeUserPermissions`. Histories from before that action existed (`automated` false)
 * keep the manual item they had: a person removes the permissions and waives it.
 */
export function mlflowItems(person: Person, automated = true): ItemSpec[] {
  const user = person.mlflowUser;
  if (!user) return [];
  const id = `mlflow/${user}/permissions`;
  if (!automated) return [spec('mlflow', id, `MLflow permissions of user ${user} (when the MLflow auth app is on)`, MANUAL, { user })];
  return [spec('mlflow', id, `MLflow permissions, role memberships and admin flag of user ${user}`, 'model.revokeUserPermissions', { user })];
}

/** Why a manual item waits for a person: shown in the escalation and the state. */
export function manualInstructions(item: Pick<ItemSpec, 'credential'>): string {
  return `Warden has no adapter for this (${item.credential}): remove the permissions in the MLflow auth app, or confirm the app is off, then waive this item saying what was done`;
}
