import type { ChangeResult } from '../../ports/change.js';
import type { RevokeUserPermissionsInput } from '../../ports/model-registry.js';
import type { MlflowAuthClient, MlflowRole } from './mlflow-auth-client.js';
import { failure } from './mlflow-errors.js';
import { FailureKind } from '../../../contracts/failures.js';

/** One grant the user holds directly (on their own `__user_<id>__` role). */
export interface UserGrant {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly permission: string;
  readonly workspace: string;
}

/** A shared role the user is a member of, with how many permissions it carries. */
export interface UserRoleMembership {
  readonly roleId: number;
  readonly role: string;
  readonly workspace: string;
  readonly permissions: number;
}

/** What a user holds in MLflow's auth app: the `before` and `after` of the revocation. */
export interface UserPermissions {
  readonly user: string;
  readonly exists: boolean;
  readonly isAdmin?: boolean;
  readonly grants?: readonly UserGrant[];
  readonly roles?: readonly UserRoleMembership[];
}

/** Left as it is: revoking permissions does not delete the account. */
const ACCOUNT_NOTE =
  'the MLflow account itself is kept: its password still signs in and gets the server default_permission (READ unless basic_auth.ini says otherwise); delete the user in MLflow to close it';

async function readPermissions(client: MlflowAuthClient, user: string): Promise<UserPermissions> {
  const found = await client.getUser(user);
  if (!found) return { user, exists: false };
  const own = `__user_${found.id}__`;
  const roles: MlflowRole[] = await client.listUserRoles(user);
  const grants = roles
    .filter((r) => r.name === own)
    .flatMap((r) => (r.permissions ?? []).map((p) => ({ resourceType: p.resource_type, resourceId: p.resource_pattern, permission: p.permission, workspace: r.workspace })));
  const shared = roles.filter((r) => r.name !== own).map((r) => ({ roleId: r.id, role: r.name, workspace: r.workspace, permissions: r.permissions?.length ?? 0 }));
  return { user, exists: true, isAdmin: found.is_admin, grants, roles: shared };
}

const holdsNothing = (p: UserPermissions): boolean => !p.isAdmin && !p.grants?.length && !p.roles?.length;
const inWorkspace = (ws: string): string => (ws === 'default' ? '' : ` in workspace ${ws}`);

function planOf(p: UserPermissions, where: string): string[] {
  if (!p.exists) return [`MLflow at ${where} has no user ${p.user}: nothing to revoke`];
  if (holdsNothing(p)) return [`MLflow user ${p.user} holds no permissions, roles or admin flag: nothing to revoke`];
  return [
    ...(p.isAdmin ? [`remove the admin flag of MLflow user ${p.user}`] : []),
    ...(p.roles ?? []).map((r) => `remove ${p.user} from role ${r.role}${inWorkspace(r.workspace)} (${r.permissions} permissions)`),
    ...(p.grants ?? []).map((g) => `revoke ${g.permission} on ${g.resourceType} ${g.resourceId}${inWorkspace(g.workspace)} from ${p.user}`),
  ];
}

/**
 * Revokes everything a user holds in MLflow's auth app: the admin flag first (it grants the
 * most), then shared role memberships, then each of the user's own grants; then reads it all
 * back. Reads first and acts only on what is there, so a rerun reports `changed: false`; a grant
 * or membership already gone when it is revoked counts as done.
 */
export async function revokeUserPermissions(client: MlflowAuthClient, input: RevokeUserPermissionsInput): Promise<ChangeResult> {
  const { user } = input;
  const before = await readPermissions(client, user);
  const plan = planOf(before, client.where);
  const after: UserPermissions = before.exists ? { user, exists: true, isAdmin: false, grants: [], roles: [] } : before;
  const output = { user, server: client.where, ...(before.exists ? { note: ACCOUNT_NOTE } : {}) };
  const result = { changed: false, plan, before, after, afterFrom: 'plan' as const, output };
  // Nothing to do: the state read is the state after.
  if (!before.exists || holdsNothing(before)) return { ...result, after: before, afterFrom: 'peer' };
  if (input.dryRun) return result;

  if (before.isAdmin) await client.setAdmin(user, false);
  for (const r of before.roles ?? []) await client.unassignRole(user, r.roleId);
  for (const g of before.grants ?? []) await client.revokeUserPermission(user, g);

  const now = await readPermissions(client, user);
  if (now.exists && !holdsNothing(now)) {
    throw failure(FailureKind.RegistryInconsistent, `MLflow user ${user} still holds permissions after the revocation (${planOf(now, client.where).join('; ')}); retrying`);
  }
  return { ...result, changed: true, after: now, afterFrom: 'peer' };
}
