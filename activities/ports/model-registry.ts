import type { FailureKind } from '../../contracts/failures.js';
import type { ChangeResult } from './change.js';

/** One version of a registered model, in provider-neutral terms. */
export interface ModelVersionInfo {
  /** The version number, as a decimal string ("3"). */
  readonly version: string;
  /** ISO 8601 creation time, when the registry reports one. */
  readonly createdAt?: string;
  /** Where the version's artifacts live (e.g. s3://bucket/models/fraud/3). */
  readonly source?: string;
  /** The tracking run that produced it, when the registration names one. */
  readonly runId?: string;
  /** ready: servable; pending: still registering; failed: registration failed. */
  readonly status: 'ready' | 'pending' | 'failed' | 'unknown';
  /** The aliases that resolve to this version. */
  readonly aliases: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** Marked validated by the owners (tag validated=true or warden.validated=true). */
  readonly validated: boolean;
  /** Marked unsafe to serve by Warden (tag warden.quarantined=true). */
  readonly quarantined: boolean;
}

export interface ModelVersionList {
  readonly model: string;
  /** Alias → version it resolves to. */
  readonly aliases: Readonly<Record<string, string>>;
  /** Every version, newest (highest number) first. */
  readonly versions: readonly ModelVersionInfo[];
}

export interface RollbackInput {
  readonly model: string;
  readonly alias: string;
  /** An explicit target; otherwise the newest validated version, else the previous one. */
  readonly toVersion?: string;
  readonly reason: string;
  /** Recorded on the quarantined version, and the scope in which a rerun counts as "already done". */
  readonly incidentId?: string;
  readonly dryRun: boolean;
}

export interface SetAliasInput {
  readonly model: string;
  readonly alias: string;
  readonly version: string;
  readonly dryRun: boolean;
}

/** Takes what an alias serves out of service: removes the alias, or points it at `toVersion` (a quarantine or holding version). */
export interface DisengageInput {
  readonly model: string;
  readonly alias: string;
  readonly toVersion?: string;
  readonly reason: string;
  readonly incidentId?: string;
  readonly dryRun: boolean;
}

export interface QuarantineVersionInput {
  readonly model: string;
  readonly version: string;
  readonly reason: string;
  readonly incidentId?: string;
  readonly dryRun: boolean;
}

export interface RevokeUserPermissionsInput {
  /** The registry's user name (the directory's MLflow user). */
  readonly user: string;
  readonly dryRun: boolean;
}

/** The failure kinds every ModelRegistry adapter raises (see contracts/failures.ts for each one's meaning). */
export type ModelRegistryFailureType =
  | typeof FailureKind.RegistryUnavailable
  | typeof FailureKind.RegistryInconsistent
  | typeof FailureKind.ModelNotFound
  | typeof FailureKind.RegistryAccessDenied
  | typeof FailureKind.InvalidRegistryRequest
  | typeof FailureKind.NoRollbackTarget
  | typeof FailureKind.InvalidRollbackTarget
  | typeof FailureKind.RegistryAuthNotEnabled;

/**
 * A model registry: registered models with numbered versions, aliases that point at versions
 * (what serving resolves), and tags on versions. MLflow is the first adapter; a SageMaker
 * model-package registry can implement the same port.
 *
 * Every change reads the current state first and acts only where the world differs, so each
 * method may run again after a crash or a retry: a call that finds the work done reports
 * `changed: false` and a plan saying it is already so. With `dryRun` the same reads happen and
 * nothing changes: the plan is exactly what a real call would do now, `changed` is false and
 * `after` is the state a real call would leave (`afterFrom: 'plan'`); after a change `after` is
 * read back at the registry (`afterFrom: 'peer'`). Failures are {@link ModelRegistryFailureType}s.
 */
export interface ModelRegistry {
  /**
   * Moves `alias` off the version it serves (the bad one) to `toVersion`, else the newest
   * validated version, else the previous non-quarantined one; quarantines the bad version.
   * `before.version` is the bad version (the undo points the alias back at it) and
   * `after.version` the one now served.
   */
  rollback(input: RollbackInput): Promise<ChangeResult>;
  /** Points `alias` at `version`. `before.version` is what it resolved to (absent if unset). */
  setAlias(input: SetAliasInput): Promise<ChangeResult>;
  /**
   * Takes the model out of service under `alias` (NIST AI RMF MANAGE 2.4): the alias is removed,
   * or pointed at `toVersion`. `before.version` is what it served (the undo points it back);
   * `after` is read back (`version: null` when removed). A rerun for the same incident finishes
   * or reports the same disengagement.
   */
  disengage(input: DisengageInput): Promise<ChangeResult>;
  /** Marks a version unsafe to serve, with the reason and incident. Aliases are not touched. */
  quarantineVersion(input: QuarantineVersionInput): Promise<ChangeResult>;
  /** Reads every version with its tags, aliases, creation time, source and status. */
  listVersions(input: { readonly model: string }): Promise<ModelVersionList>;
  /** Whether the registry's tracking server knows the run (a version registered from a run it never saw did not come from its pipelines). Read-only. */
  runExists(runId: string): Promise<boolean>;
  /**
   * Removes everything `user` holds in the registry's access control (offboarding): their admin
   * flag, role memberships and their own grants on experiments, registered models and any other
   * resource. The account itself stays. `before` lists what they held (`exists: false` for an
   * unknown user, which is nothing to do); `after` what is left. A registry without access
   * control fails with RegistryAuthNotEnabled.
   */
  revokeUserPermissions(input: RevokeUserPermissionsInput): Promise<ChangeResult>;
}
