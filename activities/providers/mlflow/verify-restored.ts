import type { ModelVersionInfo } from '../../ports/model-registry.js';
import type { MlflowClient, MlflowModelVersion } from './mlflow-client.js';
import { failure } from './mlflow-errors.js';
import { FailureKind } from '../../../contracts/failures.js';

/** Version tags that record an artifact checksum at registration, in the order they are looked for. */
export const CHECKSUM_TAGS = ['warden.checksum', 'checksum', 'sha256', 'artifact_sha256', 'model_sha256'] as const;

/** What a rollback checked about the version the alias serves after it, as read back at MLflow. */
export interface RestoredCheck {
  readonly version: string;
  readonly source: string | null;
  readonly runId: string | null;
  /** Whether the tracking server knows the run (null: the version names none). */
  readonly runKnown: boolean | null;
  /** The checksum tag, when the version carries one (unchanged from when the target was chosen). */
  readonly checksum?: { readonly tag: string; readonly value: string };
}

const tagOf = (tags: readonly { key: string; value?: string | undefined }[] | undefined, key: string): string | undefined => tags?.find((t) => t.key === key)?.value;

/**
 * Checks that the alias serves the version the rollback chose, artifact and all: its source, its
 * run and its checksum tag (where it has one) read back equal to what was read when the target
 * was chosen. A difference means the registry changed under the rollback: retryable
 * RegistryInconsistent, and the retry decides again from what the registry holds then.
 */
export async function verifyRestored(client: MlflowClient, model: string, alias: string, chosen: ModelVersionInfo, served: MlflowModelVersion): Promise<RestoredCheck> {
  // MLflow answers a version without a run with run_id "": none, as model-state reads it.
  const servedRun = served.run_id || null;
  const servedSource = served.source || null;
  const differs: string[] = [];
  if (served.version !== chosen.version) differs.push(`version ${served.version}, not ${chosen.version}`);
  if (servedSource !== (chosen.source ?? null)) differs.push(`source ${servedSource ?? '(none)'}, not ${chosen.source ?? '(none)'}`);
  if (servedRun !== (chosen.runId ?? null)) differs.push(`run ${servedRun ?? '(none)'}, not ${chosen.runId ?? '(none)'}`);
  const tag = CHECKSUM_TAGS.find((t) => chosen.tags[t] !== undefined || tagOf(served.tags, t) !== undefined);
  if (tag && tagOf(served.tags, tag) !== chosen.tags[tag]) differs.push(`tag ${tag}=${tagOf(served.tags, tag) ?? '(none)'}, not ${chosen.tags[tag] ?? '(none)'}`);
  if (differs.length > 0) {
    throw failure(
      FailureKind.RegistryInconsistent,
      `alias ${alias} of model ${model} was rolled back to version ${chosen.version}, but what it serves reads back with ${differs.join('; ')}; retrying`,
    );
  }
  return {
    version: served.version,
    source: servedSource,
    runId: servedRun,
    runKnown: servedRun ? await client.runExists(servedRun) : null,
    ...(tag ? { checksum: { tag, value: chosen.tags[tag]! } } : {}),
  };
}
