import type { ChangeResult } from '../../ports/change.js';
import type { ModelRegistry, QuarantineVersionInput, RollbackInput, SetAliasInput } from '../../ports/model-registry.js';
import { createMlflowAuthClient } from './mlflow-auth-client.js';
import { createMlflowClient, type MlflowClient, type MlflowConnection, type MlflowModelVersion } from './mlflow-client.js';
import { failure } from './mlflow-errors.js';
import { aliasVersion, readModelState, readVersionMarks, TAGS, versionOf } from './model-state.js';
import { verifyRestored } from './verify-restored.js';
import { decideRollback, recordValue } from './rollback-target.js';
import { revokeUserPermissions } from './user-permissions.js';
import { disengage } from './disengage.js';
import { FailureKind } from '../../../contracts/failures.js';

/** Tags a version quarantined; `warden.quarantined` goes last, so it implies the others were written. */
async function writeQuarantine(client: MlflowClient, model: string, version: string, reason: string, incidentId: string | undefined): Promise<void> {
  await client.setVersionTag(model, version, TAGS.reason, reason);
  if (incidentId) await client.setVersionTag(model, version, TAGS.incident, incidentId);
  await client.setVersionTag(model, version, TAGS.quarantined, 'true');
}

/** Moves an alias and reads it back; a different answer is retryable RegistryInconsistent. Returns the version read back, in full. */
async function moveAlias(client: MlflowClient, model: string, alias: string, version: string): Promise<MlflowModelVersion> {
  await client.setAlias(model, alias, version);
  const resolved = await client.getVersionByAlias(model, alias);
  if (resolved?.version !== version) {
    throw failure(FailureKind.RegistryInconsistent, `alias ${alias} of model ${model} was set to version ${version} but reads back as ${resolved ? `version ${resolved.version}` : 'unset'}; retrying`);
  }
  return resolved;
}

async function rollback(client: MlflowClient, input: RollbackInput): Promise<ChangeResult> {
  const { model, alias } = input;
  const state = await readModelState(client, model);
  const current = aliasVersion(state, alias, client.where);
  const d = decideRollback(state, input, current, client.where);
  const bad = d.bad.version;
  const to = d.target.version;
  const move = current !== to;
  const tag = !d.bad.quarantined;
  const plan = [
    move ? `move alias ${alias} of ${model} from version ${current} to version ${to}` : `alias ${alias} of ${model} already serves version ${to}`,
    tag ? `tag version ${bad} ${TAGS.quarantined}=true` : `version ${bad} is already tagged ${TAGS.quarantined}=true`,
  ];
  // `version` before is the bad version (the undo points the alias back at it) and after the one
  // served; `serving` and `quarantined` (of the bad version) are what the registry read each time.
  const before = { alias, version: bad, serving: current, quarantined: d.bad.quarantined };
  const result = {
    changed: false,
    plan,
    before,
    after: { alias, version: to, quarantinedVersion: bad, serving: to, quarantined: true },
    afterFrom: 'plan' as const,
    output: { model, chosenBy: d.chosenBy },
  };
  if (!move && !tag) return { ...result, after: { ...before, version: current, quarantinedVersion: bad }, afterFrom: 'peer' };
  if (input.dryRun) return result;

  const record = recordValue(d, input.incidentId);
  if (state.modelTags[TAGS.rollbackOf(alias)] !== record) await client.setModelTag(model, TAGS.rollbackOf(alias), record);
  // Read back: the alias as moveAlias read it (or reads now), and the bad version's tag.
  const served = move ? await moveAlias(client, model, alias, to) : await client.getVersionByAlias(model, alias);
  // What the alias now serves is the version chosen, artifact and all: checked before the bad one is tagged.
  const verified = served ? await verifyRestored(client, model, alias, d.target, served) : undefined;
  if (tag) await writeQuarantine(client, model, bad, input.reason, input.incidentId);
  const { quarantined } = await readVersionMarks(client, model, bad);
  const serving = served?.version ?? null;
  return { ...result, changed: true, after: { alias, version: serving, quarantinedVersion: bad, serving, quarantined, ...(verified ? { verified } : {}) }, afterFrom: 'peer' };
}

async function setAlias(client: MlflowClient, input: SetAliasInput): Promise<ChangeResult> {
  const { model, alias, version } = input;
  const state = await readModelState(client, model);
  const target = versionOf(state, version, client.where);
  const current = state.aliases[alias];
  const note = target.quarantined ? ` (version ${version} is tagged ${TAGS.quarantined}=true)` : '';
  const plan =
    current === version
      ? [`alias ${alias} of ${model} already serves version ${version}`]
      : [`${current ? `move alias ${alias} of ${model} from version ${current}` : `set alias ${alias} of ${model}`} to version ${version}${note}`];
  const before = { alias, ...(current ? { version: current } : {}) };
  const result = { changed: false, plan, before, after: { alias, version }, afterFrom: 'plan' as const, output: { model } };
  if (current === version) return { ...result, after: before, afterFrom: 'peer' };
  if (input.dryRun) return result;
  return { ...result, changed: true, after: { alias, version: (await moveAlias(client, model, alias, version)).version }, afterFrom: 'peer' };
}

async function quarantineVersion(client: MlflowClient, input: QuarantineVersionInput): Promise<ChangeResult> {
  const { model, version } = input;
  const state = await readModelState(client, model);
  const target = versionOf(state, version, client.where);
  const plan = target.quarantined ? [`version ${version} of ${model} is already tagged ${TAGS.quarantined}=true`] : [`tag version ${version} of ${model} ${TAGS.quarantined}=true`];
  const result = {
    changed: false,
    plan,
    before: { version, quarantined: target.quarantined, aliases: target.aliases },
    after: { version, quarantined: true, aliases: target.aliases },
    afterFrom: 'plan' as const,
    output: { model },
  };
  if (target.quarantined) return { ...result, after: result.before, afterFrom: 'peer' };
  if (input.dryRun) return result;
  await writeQuarantine(client, model, version, input.reason, input.incidentId);
  return { ...result, changed: true, after: { version, ...(await readVersionMarks(client, model, version)) }, afterFrom: 'peer' };
}

/**
 * A ModelRegistry on the MLflow tracking server's REST API (MLflow 2.9+ aliases; checked on 3.x).
 *
 * Side effects: `setAlias` sets one alias (POST registered-models/alias) and reads it back.
 * `quarantineVersion` writes the version tags warden.quarantine_reason, warden.incident (when
 * given) and warden.quarantined=true. `rollback` records the rollback on the registered model
 * (tag `warden.rollback.<alias>` = {from, to, chosenBy, incident}), moves the alias and reads it
 * back, then quarantines the version it left. Aliases of other names and other tags are never
 * touched.
 *
 * Idempotency: each method reads first and writes only what differs; a rerun reports
 * `changed: false`. A rollback is identified by (model, alias, incident): a rerun with the same
 * incident, while the alias serves the recorded `from` or `to` version, finishes that rollback
 * instead of starting another, so `before.version` stays the bad version. To roll back further
 * within the same incident, pass `toVersion`. The rerun rule is exact only when incidentId is
 * given; without one, calls without an incident share one scope.
 *
 * `revokeUserPermissions` works on the auth app (`--app-name basic-auth`, user-permissions.ts):
 * PATCH users/update-admin, DELETE /api/3.0 roles/unassign and POST /api/3.0
 * users/permissions/revoke, each only for what GET users/get and /api/3.0 users/roles/list show.
 * It needs an admin's MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD.
 *
 * Failures: network errors, timeouts, 5xx and 429 are retryable RegistryUnavailable; an alias
 * (or a revocation) that does not read back as written is retryable RegistryInconsistent;
 * unknown model, version or alias is non-retryable ModelNotFound; 401/403 are non-retryable
 * RegistryAccessDenied; a server without the auth app is non-retryable RegistryAuthNotEnabled.
 */
export function createMlflowRegistry(opts: MlflowConnection): ModelRegistry {
  const client = createMlflowClient(opts);
  const auth = createMlflowAuthClient(opts);
  return {
    rollback: (input) => rollback(client, input),
    setAlias: (input) => setAlias(client, input),
    disengage: (input) => disengage(client, input),
    quarantineVersion: (input) => quarantineVersion(client, input),
    listVersions: async ({ model }) => {
      const state = await readModelState(client, model);
      return { model, aliases: state.aliases, versions: state.versions };
    },
    revokeUserPermissions: (input) => revokeUserPermissions(auth, input),
    runExists: (runId) => client.runExists(runId),
  };
}
