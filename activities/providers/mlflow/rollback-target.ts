import type { ModelVersionInfo, RollbackInput } from '../../ports/model-registry.js';
import { failure } from './mlflow-errors.js';
import { TAGS, versionOf, type ModelState } from './model-state.js';
import { FailureKind } from '../../../contracts/failures.js';

export type ChosenBy = 'explicit' | 'validated' | 'previous';

/** What a rollback of one alias did, kept on the registered model under `warden.rollback.<alias>`. */
export interface RollbackRecord {
  readonly from: string;
  readonly to: string;
  readonly chosenBy: ChosenBy;
  readonly incident?: string;
}

export interface RollbackDecision {
  /** The version the alias served before the rollback began: the one to quarantine. */
  readonly bad: ModelVersionInfo;
  readonly target: ModelVersionInfo;
  readonly chosenBy: ChosenBy;
  /** True when this is a rerun of the rollback recorded on the model. */
  readonly resumed: boolean;
}

export function parseRecord(value: string | undefined): RollbackRecord | undefined {
  if (!value) return undefined;
  try {
    const r = JSON.parse(value) as Partial<RollbackRecord>;
    if (typeof r.from !== 'string' || typeof r.to !== 'string') return undefined;
    const chosenBy: ChosenBy = r.chosenBy === 'explicit' || r.chosenBy === 'validated' ? r.chosenBy : 'previous';
    return { from: r.from, to: r.to, chosenBy, ...(typeof r.incident === 'string' ? { incident: r.incident } : {}) };
  } catch {
    return undefined;
  }
}

export function recordValue(d: RollbackDecision, incidentId: string | undefined): string {
  const record: RollbackRecord = { from: d.bad.version, to: d.target.version, chosenBy: d.chosenBy, ...(incidentId ? { incident: incidentId } : {}) };
  return JSON.stringify(record);
}

const servable = (v: ModelVersionInfo) => v.status === 'ready' && !v.quarantined;

function explicitTarget(state: ModelState, input: RollbackInput, current: string, where: string): ModelVersionInfo {
  const target = versionOf(state, input.toVersion ?? '', where);
  const refuse = (why: string) => failure(FailureKind.InvalidRollbackTarget, `cannot roll alias ${input.alias} of model ${state.model} back to version ${target.version}: ${why}`);
  if (target.version === current) throw refuse('the alias already serves it; name the version to roll back to, or omit toVersion');
  if (target.quarantined) throw refuse(`it is tagged ${TAGS.quarantined}=true; choose another version, or remove the tag after review`);
  if (target.status !== 'ready') throw refuse(`its registration status is ${target.status}`);
  return target;
}

/**
 * Decides what a rollback moves, from state already read (pure):
 *
 * 1. A rerun: the model's `warden.rollback.<alias>` record has the same incident (or both have
 *    none), the alias still serves its `from` or already its `to` version, and `toVersion` is
 *    absent or equal to `to`. Then the recorded from/to are reused, so a retry after a crash
 *    neither rolls back a second step nor loses the bad version the undo needs.
 * 2. Otherwise the bad version is the one the alias serves, and the target is `toVersion`;
 *    else the newest ready, non-quarantined version other than the bad one that is tagged
 *    validated=true (or warden.validated=true), whether older or newer; else the highest ready,
 *    non-quarantined version numbered below the bad one; else NoRollbackTarget.
 */
export function decideRollback(state: ModelState, input: RollbackInput, current: string, where: string): RollbackDecision {
  const record = parseRecord(state.modelTags[TAGS.rollbackOf(input.alias)]);
  if (record && (record.incident ?? '') === (input.incidentId ?? '') && (current === record.from || current === record.to) && (input.toVersion === undefined || input.toVersion === record.to)) {
    const bad = state.versions.find((v) => v.version === record.from);
    const target = state.versions.find((v) => v.version === record.to);
    if (bad && target) return { bad, target, chosenBy: record.chosenBy, resumed: true };
  }
  const bad = versionOf(state, current, where);
  if (input.toVersion !== undefined) return { bad, target: explicitTarget(state, input, current, where), chosenBy: 'explicit', resumed: false };
  const validated = state.versions.find((v) => v.version !== current && v.validated && servable(v));
  if (validated) return { bad, target: validated, chosenBy: 'validated', resumed: false };
  const previous = state.versions.find((v) => Number(v.version) < Number(current) && servable(v));
  if (previous) return { bad, target: previous, chosenBy: 'previous', resumed: false };
  throw failure(
    FailureKind.NoRollbackTarget,
    `model ${state.model} has no version to roll alias ${input.alias} back to from version ${current}: no other version is tagged ` +
      `validated=true and no earlier version is ready and unquarantined; register a good version, or pass toVersion`,
  );
}
