import { z } from 'zod';
import type { ModelRegistryRead, RegisteredModelRead } from '../../ports/inventory.js';
import { failure } from './mlflow-errors.js';
import { createMlflowTransport, type MlflowConnection } from './mlflow-transport.js';
import { FailureKind, isFailureKind } from '../../../contracts/failures.js';

const Tag = z.object({ key: z.string(), value: z.string().optional() });
const Model = z.looseObject({
  name: z.string(),
  tags: z.array(Tag).optional(),
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })).optional(),
  latest_versions: z.array(z.looseObject({ version: z.string() })).optional(),
});
const Search = z.object({ registered_models: z.array(Model).optional(), next_page_token: z.string().optional() });
const Versions = z.object({ model_versions: z.array(z.looseObject({ version: z.string() })).optional(), next_page_token: z.string().optional() });
const Users = z.object({ users: z.array(z.looseObject({ username: z.string(), is_admin: z.boolean() })) });
const Permission = z.looseObject({ permission: z.string() });

const quoted = (name: string) => (name.includes("'") ? `name="${name}"` : `name='${name}'`);

/**
 * The registry's inventory read: every registered model (registered-models/search, all pages),
 * its versions and aliases, and, when the server runs the auth app, each user's effective
 * permission on it (users/list, then users/permissions/get per user and model: the user's grant,
 * a role's, or the server's default). Admins hold MANAGE on everything. Read-only.
 */
export function createMlflowInventoryRead(conn: MlflowConnection): ModelRegistryRead {
  const { where, request } = createMlflowTransport(conn);
  const noAuthApp = () => failure(FailureKind.RegistryAuthNotEnabled, `MLflow at ${where} does not run the auth app`);

  async function pages<T>(path: string, params: Record<string, string>, schema: z.ZodType<{ next_page_token?: string | undefined }>, items: (page: never) => T[] | undefined): Promise<T[]> {
    const all: T[] = [];
    let token: string | undefined;
    do {
      const page = await request('GET', path, { ...params, ...(token ? { page_token: token } : {}) }, 'the model registry', schema);
      all.push(...(items(page as never) ?? []));
      token = page.next_page_token || undefined;
    } while (token);
    return all;
  }

  async function users(): Promise<z.infer<typeof Users>['users'] | undefined> {
    try {
      return (await request('GET', 'users/list', {}, 'the users of the auth app', Users, { missingRoute: noAuthApp })).users;
    } catch (err) {
      if (isFailureKind(err, FailureKind.RegistryAuthNotEnabled)) return undefined;
      throw err;
    }
  }

  return {
    where,
    async listModels() {
      const models = await pages('registered-models/search', { max_results: '1000' }, Search, (p: z.infer<typeof Search>) => p.registered_models);
      const people = await users();
      const out: RegisteredModelRead[] = [];
      for (const m of models) {
        const versions = await pages('model-versions/search', { filter: quoted(m.name), max_results: '1000' }, Versions, (p: z.infer<typeof Versions>) => p.model_versions);
        const permissions: RegisteredModelRead['permissions'][number][] = [];
        for (const u of people ?? []) {
          const permission = u.is_admin
            ? 'MANAGE'
            : (
                await request('GET', 'users/permissions/get', { username: u.username, resource_type: 'registered_model', resource_id: m.name }, `${u.username} on ${m.name}`, Permission, {
                  version: '3.0',
                })
              ).permission;
          permissions.push({ user: u.username, permission, admin: u.is_admin });
        }
        out.push({
          name: m.name,
          tags: Object.fromEntries((m.tags ?? []).map((t) => [t.key, t.value ?? ''])),
          aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, a.version])),
          versions: versions.map((v) => v.version).sort((a, b) => Number(b) - Number(a)),
          permissions,
        });
      }
      return { models: out, auth: people ? 'basic-auth' : 'no auth app' };
    },
  };
}
