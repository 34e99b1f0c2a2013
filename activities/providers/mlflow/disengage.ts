import type { ChangeResult } from '../../ports/change.js';
import type { DisengageInput } from '../../ports/model-registry.js';
import type { MlflowClient } from './mlflow-client.js';
import { failure } from './mlflow-errors.js';
import { readModelState, TAGS, versionOf } from './model-state.js';
import { FailureKind } from '../../../contracts/failures.js';

interface DisengageRecord {
  readonly from: string;
  readonly to: string | null;
  readonly incident: string | null;
}

const parseRecord = (value: string | undefined): DisengageRecord | undefined => {
  try {
    return value ? (JSON.parse(value) as DisengageRecord) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Takes a model out of service under one alias. The version it served is recorded first on the
 * registered model (`warden.disengaged.<alias>` = {from, to, incident}), then the alias is removed
 * or moved, then read back. A rerun for the same incident that finds the alias already where the
 * record says reports the recorded `from` as before (so the undo still knows what to restore) and
 * `changed: true`: the change is this incident's, finished. An alias already absent (or already at
 * `toVersion`) with no record of this incident is nothing to do.
 */
export async function disengage(client: MlflowClient, input: DisengageInput): Promise<ChangeResult> {
  const { model, alias, toVersion } = input;
  const state = await readModelState(client, model);
  if (toVersion) versionOf(state, toVersion, client.where);
  const current = state.aliases[alias] ?? null;
  const target = toVersion ?? null;
  const recorded = parseRecord(state.modelTags[TAGS.disengagedOf(alias)]);
  const mine = recorded && recorded.incident === (input.incidentId ?? null) && recorded.to === target ? recorded : undefined;
  const output = { model, alias };
  if (current === target) {
    const after = { alias, version: current };
    if (mine)
      return { changed: true, plan: [`alias ${alias} of ${model} was taken off version ${mine.from} by this incident`], before: { alias, version: mine.from }, after, afterFrom: 'peer', output };
    return {
      changed: false,
      plan: [target ? `alias ${alias} of ${model} already serves version ${target}` : `alias ${alias} of ${model} is not set: nothing serves under it`],
      before: after,
      after,
      afterFrom: 'peer',
      output,
    };
  }
  const from = current!;
  const plan = [
    `record on ${model} that alias ${alias} served version ${from} (tag ${TAGS.disengagedOf(alias)})`,
    target ? `point alias ${alias} of ${model} at version ${target} (out of service: ${input.reason})` : `remove alias ${alias} of ${model} (out of service: ${input.reason})`,
  ];
  const before = { alias, version: from };
  if (input.dryRun) return { changed: false, plan, before, after: { alias, version: target }, afterFrom: 'plan', output };
  await client.setModelTag(model, TAGS.disengagedOf(alias), JSON.stringify({ from, to: target, incident: input.incidentId ?? null }));
  if (target) await client.setAlias(model, alias, target);
  else await client.deleteAlias(model, alias);
  const read = (await client.getVersionByAlias(model, alias))?.version ?? null;
  if (read !== target) {
    throw failure(
      FailureKind.RegistryInconsistent,
      `alias ${alias} of model ${model} should be ${target ? `at version ${target}` : 'removed'} but reads back as ${read ? `version ${read}` : 'unset'}; retrying`,
    );
  }
  return { changed: true, plan, before, after: { alias, version: read }, afterFrom: 'peer', output };
}
