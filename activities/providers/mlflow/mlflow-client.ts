import { z } from 'zod';
import { createMlflowTransport, type MlflowConnection } from './mlflow-transport.js';
import { FailureKind, isFailureKind } from '../../../contracts/failures.js';

export type { MlflowConnection } from './mlflow-transport.js';

const Tag = z.object({ key: z.string(), value: z.string().optional() });
const ModelVersion = z.looseObject({
  version: z.string(),
  creation_timestamp: z.union([z.number(), z.string()]).optional(),
  source: z.string().optional(),
  run_id: z.string().nullish(),
  status: z.string().optional(),
  tags: z.array(Tag).optional(),
  aliases: z.array(z.string()).optional(),
});
const RegisteredModel = z.looseObject({
  name: z.string(),
  tags: z.array(Tag).optional(),
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })).optional(),
});
const Empty = z.looseObject({});

export type MlflowModelVersion = z.infer<typeof ModelVersion>;
export type MlflowRegisteredModel = z.infer<typeof RegisteredModel>;

/** The raw MLflow model-registry REST calls Warden uses (under /api/2.0/mlflow). */
export interface MlflowClient {
  /** Where the server is, without credentials: for messages. */
  readonly where: string;
  getRegisteredModel(name: string): Promise<MlflowRegisteredModel>;
  /** Every version of a model (all pages). An unknown model yields none. */
  searchVersions(name: string): Promise<MlflowModelVersion[]>;
  /** The version an alias resolves to, or undefined when the alias is not set. */
  getVersionByAlias(name: string, alias: string): Promise<MlflowModelVersion | undefined>;
  /** One version with its tags and aliases (model-versions/get). */
  getVersion(name: string, version: string): Promise<MlflowModelVersion>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
  /** Removes an alias (DELETE registered-models/alias, with a JSON body); versions are untouched. */
  deleteAlias(name: string, alias: string): Promise<void>;
  setVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  setModelTag(name: string, key: string, value: string): Promise<void>;
  /** Whether the tracking server knows run `runId` (runs/get; MLflow's RESOURCE_DOES_NOT_EXIST is false). */
  runExists(runId: string): Promise<boolean>;
}

/** A model-version search filter for one model name, quoted the way MLflow's parser expects. */
function nameFilter(name: string): string {
  return name.includes("'") ? `name="${name}"` : `name='${name}'`;
}

/** The model-registry calls on the transport (mlflow-transport.ts). */
export function createMlflowClient(conn: MlflowConnection): MlflowClient {
  const { where, request, find } = createMlflowTransport(conn);
  const modelSubject = (name: string) => `registered model ${name}`;

  return {
    where,
    async getRegisteredModel(name) {
      return (await request('GET', 'registered-models/get', { name }, modelSubject(name), z.object({ registered_model: RegisteredModel }))).registered_model;
    },
    async searchVersions(name) {
      const all: MlflowModelVersion[] = [];
      let pageToken: string | undefined;
      do {
        const params = { filter: nameFilter(name), max_results: '1000', ...(pageToken ? { page_token: pageToken } : {}) };
        const page = await request('GET', 'model-versions/search', params, modelSubject(name), z.object({ model_versions: z.array(ModelVersion).optional(), next_page_token: z.string().optional() }));
        all.push(...(page.model_versions ?? []));
        pageToken = page.next_page_token || undefined;
      } while (pageToken);
      return all;
    },
    async getVersionByAlias(name, alias) {
      try {
        return (await request('GET', 'registered-models/alias', { name, alias }, `alias ${alias} of model ${name}`, z.object({ model_version: ModelVersion }))).model_version;
      } catch (err) {
        // MLflow answers an unset alias with INVALID_PARAMETER_VALUE "Registered model alias … not found".
        if (isFailureKind(err, FailureKind.InvalidRegistryRequest) && /alias .* not found/i.test(err.message)) return undefined;
        throw err;
      }
    },
    async getVersion(name, version) {
      return (await request('GET', 'model-versions/get', { name, version }, `version ${version} of model ${name}`, z.object({ model_version: ModelVersion }))).model_version;
    },
    async setAlias(name, alias, version) {
      await request('POST', 'registered-models/alias', { name, alias, version }, `version ${version} of model ${name}`, Empty);
    },
    async deleteAlias(name, alias) {
      await request('DELETE', 'registered-models/alias', { name, alias }, `alias ${alias} of model ${name}`, Empty);
    },
    async setVersionTag(name, version, key, value) {
      await request('POST', 'model-versions/set-tag', { name, version, key, value }, `version ${version} of model ${name}`, Empty);
    },
    async setModelTag(name, key, value) {
      await request('POST', 'registered-models/set-tag', { name, key, value }, modelSubject(name), Empty);
    },
    async runExists(runId) {
      return (await find('GET', 'runs/get', { run_id: runId }, `run ${runId}`, z.object({ run: z.looseObject({}) }))) !== undefined;
    },
  };
}
