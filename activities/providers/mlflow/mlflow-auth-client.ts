import { z } from 'zod';
import { failure } from './mlflow-errors.js';
import { createMlflowTransport, type MlflowConnection, type RequestOptions } from './mlflow-transport.js';
import { FailureKind } from '../../../contracts/failures.js';

const User = z.looseObject({ id: z.number(), username: z.string(), is_admin: z.boolean() });
const RolePermission = z.looseObject({ resource_type: z.string(), resource_pattern: z.string(), permission: z.string() });
const Role = z.looseObject({ id: z.number(), name: z.string(), workspace: z.string(), permissions: z.array(RolePermission).optional() });
const Empty = z.looseObject({});

export type MlflowUser = z.infer<typeof User>;
export type MlflowRole = z.infer<typeof Role>;

/**
 * The calls of MLflow's auth app (`mlflow server --app-name basic-auth`, MLflow 3.x) that
 * Warden uses. Users are under /api/2.0/mlflow/users; roles and per-user grants under
 * /api/3.0/mlflow. A user's own grants live on a hidden role `__user_<id>__` per workspace.
 * All of them need the credentials of an MLflow admin.
 */
export interface MlflowAuthClient {
  readonly where: string;
  /** The user, or undefined when the auth app has no such user. */
  getUser(username: string): Promise<MlflowUser | undefined>;
  /** Every role the user holds, with its permissions (their own `__user_<id>__` role included). */
  listUserRoles(username: string): Promise<MlflowRole[]>;
  setAdmin(username: string, isAdmin: boolean): Promise<void>;
  /** Removes the user from a role; false when they were no longer in it. */
  unassignRole(username: string, roleId: number): Promise<boolean>;
  /** Revokes one of the user's own grants; false when it was already gone. */
  revokeUserPermission(username: string, grant: { resourceType: string; resourceId: string; workspace: string }): Promise<boolean>;
}

const DEFAULT_WORKSPACE = 'default';

export function createMlflowAuthClient(conn: MlflowConnection): MlflowAuthClient {
  const { where, request, find } = createMlflowTransport(conn);
  const subject = (username: string) => `MLflow user ${username}`;
  // Without the auth app the server has no such routes at all: a plain 404 page, not MLflow's JSON error.
  const authApp: RequestOptions = {
    missingRoute: () =>
      failure(
        FailureKind.RegistryAuthNotEnabled,
        `MLflow at ${where} does not run the auth app, so it has no users or permissions to revoke; start it with \`mlflow server --app-name basic-auth\`, or confirm that it runs without authentication`,
      ),
  };
  const rbac: RequestOptions = {
    version: '3.0',
    missingRoute: () =>
      failure(FailureKind.InvalidRegistryRequest, `MLflow at ${where} runs the auth app but has no roles API (/api/3.0/mlflow/users/roles/list); upgrade MLflow (Warden is tested with 3.17.2)`),
  };

  return {
    where,
    async getUser(username) {
      return (await find('GET', 'users/get', { username }, subject(username), z.object({ user: User }), authApp))?.user;
    },
    async listUserRoles(username) {
      return (await request('GET', 'users/roles/list', { username }, subject(username), z.object({ roles: z.array(Role) }), rbac)).roles;
    },
    async setAdmin(username, isAdmin) {
      await request('PATCH', 'users/update-admin', { username, is_admin: isAdmin }, subject(username), Empty, authApp);
    },
    async unassignRole(username, roleId) {
      return (await find('DELETE', 'roles/unassign', { username, role_id: roleId }, `role ${roleId} of ${subject(username)}`, Empty, rbac)) !== undefined;
    },
    async revokeUserPermission(username, g) {
      const params = { username, resource_type: g.resourceType, resource_id: g.resourceId };
      const opts = { ...rbac, ...(g.workspace !== DEFAULT_WORKSPACE ? { workspace: g.workspace } : {}) };
      return (await find('POST', 'users/permissions/revoke', params, `${g.resourceType} ${g.resourceId} of ${subject(username)}`, Empty, opts)) !== undefined;
    },
  };
}
