import { randomUUID } from 'node:crypto';
import { mlflowRest, type MlflowCredentials, type MlflowPeer } from './mlflow.js';

/**
 * Seeding and reading MLflow's auth app over its own REST API, as the peer's admin (the adapter
 * under test is not used): users under /api/2.0/mlflow/users, roles and grants under /api/3.0.
 */

/** One grant as GET /api/3.0/mlflow/users/permissions/list shows it. */
export interface ListedPermission {
  readonly resource_type: string;
  readonly resource_pattern: string;
  readonly permission: string;
  readonly role_name: string;
  readonly workspace: string;
}

function adminOf(peer: MlflowPeer): MlflowCredentials {
  if (!peer.admin) throw new Error('this MLflow peer runs without the auth app: start it with startMlflow({ auth: true })');
  return peer.admin;
}

const v2 = (peer: MlflowPeer) => ({ auth: adminOf(peer) });
const v3 = (peer: MlflowPeer) => ({ auth: adminOf(peer), version: '3.0' as const });

/** Creates a user with a random password (at least 12 characters, as MLflow requires). */
export async function createUser(peer: MlflowPeer, username: string): Promise<MlflowCredentials> {
  const password = `pw-${randomUUID()}`;
  await mlflowRest(peer.trackingUri, 'POST', 'users/create', { username, password }, v2(peer));
  return { username, password };
}

export async function createExperiment(peer: MlflowPeer, name: string): Promise<string> {
  return (await mlflowRest<{ experiment_id: string }>(peer.trackingUri, 'POST', 'experiments/create', { name }, v2(peer))).experiment_id;
}

export async function createRegisteredModel(peer: MlflowPeer, name: string): Promise<void> {
  await mlflowRest(peer.trackingUri, 'POST', 'registered-models/create', { name }, v2(peer));
}

/** Grants a user a permission on one resource (their own grant, on their `__user_<id>__` role). */
export async function grant(peer: MlflowPeer, username: string, resourceType: 'experiment' | 'registered_model', resourceId: string, permission: 'READ' | 'EDIT' | 'MANAGE'): Promise<void> {
  await mlflowRest(peer.trackingUri, 'POST', 'users/permissions/grant', { username, resource_type: resourceType, resource_id: resourceId, permission }, v3(peer));
}

/** Creates a shared role in the default workspace with one permission, and puts the user in it. */
export async function assignNewRole(peer: MlflowPeer, username: string, role: string, permission: { resourceType: string; pattern: string; permission: string }): Promise<number> {
  const created = await mlflowRest<{ role: { id: number } }>(peer.trackingUri, 'POST', 'roles/create', { workspace: 'default', name: role }, v3(peer));
  const roleId = created.role.id;
  await mlflowRest(
    peer.trackingUri,
    'POST',
    'roles/permissions/add',
    { role_id: roleId, resource_type: permission.resourceType, resource_pattern: permission.pattern, permission: permission.permission },
    v3(peer),
  );
  await mlflowRest(peer.trackingUri, 'POST', 'roles/assign', { username, role_id: roleId }, v3(peer));
  return roleId;
}

export async function setAdmin(peer: MlflowPeer, username: string, isAdmin: boolean): Promise<void> {
  await mlflowRest(peer.trackingUri, 'PATCH', 'users/update-admin', { username, is_admin: isAdmin }, v2(peer));
}

/** Everything the user holds, as the auth app reports it: the admin flag and every grant of every role. */
export async function userPermissions(peer: MlflowPeer, username: string): Promise<{ is_admin: boolean; permissions: ListedPermission[] }> {
  return mlflowRest(peer.trackingUri, 'GET', 'users/permissions/list', { username }, v3(peer));
}

/** The permission the auth app resolves for the user on one resource (their grant, a role's, or the default). */
export async function effectivePermission(peer: MlflowPeer, username: string, resourceType: string, resourceId: string): Promise<{ allowed: boolean; permission: string }> {
  return mlflowRest(peer.trackingUri, 'GET', 'users/permissions/get', { username, resource_type: resourceType, resource_id: resourceId }, v3(peer));
}
