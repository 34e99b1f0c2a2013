import type { ModelVersionInfo } from '../../ports/model-registry.js';
import type { MlflowClient, MlflowModelVersion } from './mlflow-client.js';
import { failure } from './mlflow-errors.js';
import { FailureKind, isFailureKind } from '../../../contracts/failures.js';

/** The tags Warden writes and reads on MLflow model versions and registered models. */
export const TAGS = {
  quarantined: 'warden.quarantined',
  reason: 'warden.quarantine_reason',
  incident: 'warden.incident',
  /** Owners' marks of a version that passed validation (either spelling counts). */
  validated: ['validated', 'warden.validated'],
  /** On the registered model, per alias: the last rollback Warden made of that alias (JSON). */
  rollbackOf: (alias: string) => `warden.rollback.${alias}`,
  /** On the registered model, per alias: the version Warden took out of service, and for which incident (JSON). */
  disengagedOf: (alias: string) => `warden.disengaged.${alias}`,
} as const;

/** Everything Warden needs to know about one registered model, read in two requests. */
export interface ModelState {
  readonly model: string;
  readonly aliases: Readonly<Record<string, string>>;
  readonly modelTags: Readonly<Record<string, string>>;
  /** Newest (highest version number) first. */
  readonly versions: readonly ModelVersionInfo[];
}

const STATUS: Readonly<Record<string, ModelVersionInfo['status']>> = {
  READY: 'ready',
  PENDING_REGISTRATION: 'pending',
  FAILED_REGISTRATION: 'failed',
};

function tagMap(tags: readonly { key: string; value?: string | undefined }[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value ?? '']));
}

function toInfo(v: MlflowModelVersion, aliases: Readonly<Record<string, string>>): ModelVersionInfo {
  const tags = tagMap(v.tags);
  const created = Number(v.creation_timestamp);
  return {
    version: v.version,
    ...(Number.isFinite(created) && created > 0 ? { createdAt: new Date(created).toISOString() } : {}),
    ...(v.source ? { source: v.source } : {}),
    ...(v.run_id ? { runId: v.run_id } : {}),
    status: STATUS[v.status ?? ''] ?? 'unknown',
    aliases: Object.entries(aliases)
      .filter(([, version]) => version === v.version)
      .map(([alias]) => alias)
      .sort(),
    tags,
    validated: TAGS.validated.some((key) => tags[key]?.toLowerCase() === 'true'),
    quarantined: tags[TAGS.quarantined]?.toLowerCase() === 'true',
  };
}

/**
 * One version's quarantine tag and aliases, read again after a change. The change is made: a
 * read that times out is tried again here (up to 3 times) rather than failing the attempt, whose
 * retry would find the work done and report it as already so.
 */
export async function readVersionMarks(client: MlflowClient, model: string, version: string): Promise<{ quarantined: boolean; aliases: string[] }> {
  let v: Awaited<ReturnType<MlflowClient['getVersion']>> | undefined;
  for (let attempt = 1; !v; attempt++) {
    try {
      v = await client.getVersion(model, version);
    } catch (err) {
      if (attempt >= 3 || !isFailureKind(err, FailureKind.RegistryUnavailable)) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return { quarantined: tagMap(v.tags)[TAGS.quarantined]?.toLowerCase() === 'true', aliases: [...(v.aliases ?? [])].sort() };
}

/**
 * Reads a registered model (aliases, tags) and all its versions. Read-only.
 * An unknown model fails with non-retryable ModelNotFound.
 */
export async function readModelState(client: MlflowClient, model: string): Promise<ModelState> {
  const registered = await client.getRegisteredModel(model);
  const aliases = Object.fromEntries((registered.aliases ?? []).map((a) => [a.alias, a.version]));
  const versions = (await client.searchVersions(model)).map((v) => toInfo(v, aliases)).sort((a, b) => Number(b.version) - Number(a.version));
  return { model, aliases, modelTags: tagMap(registered.tags), versions };
}

/** The version, or non-retryable ModelNotFound naming it. */
export function versionOf(state: ModelState, version: string, where: string): ModelVersionInfo {
  const found = state.versions.find((v) => v.version === version);
  if (!found) {
    const known = state.versions.map((v) => v.version).join(', ') || 'none';
    throw failure(FailureKind.ModelNotFound, `version ${version} of model ${state.model} was not found in MLflow at ${where} (versions: ${known})`);
  }
  return found;
}

/** The version an alias resolves to, or non-retryable ModelNotFound naming the alias. */
export function aliasVersion(state: ModelState, alias: string, where: string): string {
  const version = state.aliases[alias];
  if (version === undefined) {
    const known = Object.keys(state.aliases).join(', ') || 'none';
    throw failure(FailureKind.ModelNotFound, `alias ${alias} of model ${state.model} is not set in MLflow at ${where} (aliases: ${known})`);
  }
  return version;
}
