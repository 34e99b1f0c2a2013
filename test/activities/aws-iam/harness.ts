import {
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';
import { createActionActivities, type ActionActivities } from '../../../activities/run-action.js';
import { createAwsIam } from '../../../activities/providers/aws-iam/aws-iam.js';
import type { Iam } from '../../../activities/ports.js';
import { findAction } from '../../../catalog/index.js';
import type { ActionOutcome } from '../../../catalog/types.js';
import { parseValue, renderParsed } from '../../../engine/parsed-value.js';
import { MOTO_CREDENTIALS, motoClient, startMoto, type MotoPeer } from '../../peers/moto.js';

/** One moto, the real adapter on it, the activities that run catalog actions, and an admin client to look at moto. */
export interface IamWorld {
  readonly moto: MotoPeer;
  readonly iam: Iam;
  readonly admin: IAMClient;
  readonly activities: ActionActivities;
  close(): Promise<void>;
}

export async function startIamWorld(opts: { pageSize?: number } = {}): Promise<IamWorld> {
  const moto = await startMoto();
  const iam = createAwsIam({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, ...(opts.pageSize ? { pageSize: opts.pageSize } : {}) });
  const admin = motoClient(moto.endpoint);
  return { moto, iam, admin, activities: createActionActivities({ providers: { iam } }), close: () => moto.stop() };
}

/** Runs a catalog action through the activity the worker registers (parameters validated there). */
export function runAction(world: IamWorld, action: string, params: unknown, dryRun = false): Promise<ActionOutcome> {
  return world.activities.runAction({ action, params, incidentId: 'test', stepId: action, idempotencyKey: `test:${action}`, dryRun });
}

/** The catalog's default undo of `action`, rendered the way the workflow renders it (over self.params and self.output). */
export function renderUndo(action: string, params: unknown, output: unknown): { action: string; params: unknown } {
  const undo = findAction(action)?.undo;
  if (!undo) throw new Error(`${action} has no undo`);
  return { action: undo.action, params: renderParsed(parseValue(undo.with), { self: { params, output } }) };
}

/** The failure a call ends with; fails the test if it succeeds or throws anything but an ApplicationFailure. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the call to fail');
}

/** What moto holds for a user, read with plain SDK calls (not the adapter under test). */
export interface UserSnapshot {
  readonly exists: boolean;
  readonly keys: Readonly<Record<string, string>>;
  readonly loginProfile: boolean;
  readonly mfa: readonly string[];
  readonly groups: readonly string[];
  readonly policies: readonly string[];
  readonly inline: readonly string[];
  readonly ssh: readonly string[];
}

const missing = (err: unknown) => (err as { name?: string }).name === 'NoSuchEntityException';
const sorted = (items: readonly (string | undefined)[] | undefined) => (items ?? []).map((s) => s ?? '').sort();

export async function snapshot(admin: IAMClient, userName: string): Promise<UserSnapshot> {
  const UserName = userName;
  try {
    await admin.send(new GetUserCommand({ UserName }));
  } catch (err) {
    if (missing(err)) return { exists: false, keys: {}, loginProfile: false, mfa: [], groups: [], policies: [], inline: [], ssh: [] };
    throw err;
  }
  const [keys, profile, mfa, groups, policies, inline, ssh] = await Promise.all([
    admin.send(new ListAccessKeysCommand({ UserName })),
    admin.send(new GetLoginProfileCommand({ UserName })).then(
      () => true,
      (err: unknown) => (missing(err) ? false : Promise.reject(err as Error)),
    ),
    admin.send(new ListMFADevicesCommand({ UserName })),
    admin.send(new ListGroupsForUserCommand({ UserName })),
    admin.send(new ListAttachedUserPoliciesCommand({ UserName })),
    admin.send(new ListUserPoliciesCommand({ UserName })),
    admin.send(new ListSSHPublicKeysCommand({ UserName })),
  ]);
  return {
    exists: true,
    keys: Object.fromEntries((keys.AccessKeyMetadata ?? []).map((k) => [k.AccessKeyId ?? '', k.Status ?? ''])),
    loginProfile: profile,
    mfa: sorted(mfa.MFADevices?.map((d) => d.SerialNumber)),
    groups: sorted(groups.Groups?.map((g) => g.GroupName)),
    policies: sorted(policies.AttachedPolicies?.map((p) => p.PolicyArn)),
    inline: sorted(inline.PolicyNames),
    ssh: sorted(ssh.SSHPublicKeys?.map((k) => k.SSHPublicKeyId)),
  };
}
