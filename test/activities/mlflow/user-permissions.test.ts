import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionActivities, type ActionActivities } from '../../../activities/run-action.js';
import { createMlflowRegistry } from '../../../activities/providers/mlflow/mlflow-registry.js';
import type { ActionOutcome } from '../../../catalog/types.js';
import { assignNewRole, createExperiment, createRegisteredModel, createUser, effectivePermission, grant, setAdmin, userPermissions } from '../../peers/mlflow-auth.js';
import { startMlflow, type MlflowPeer } from '../../peers/mlflow.js';

let peer: MlflowPeer;
let actions: ActionActivities;
beforeAll(async () => {
  peer = await startMlflow({ auth: true });
  actions = createActionActivities({ providers: { models: createMlflowRegistry({ trackingUri: peer.trackingUri, username: peer.admin!.username, password: peer.admin!.password }) } });
}, 120_000);
afterAll(async () => {
  await peer?.close();
});

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

function revoke(user: string, opts: { dryRun?: boolean; via?: ActionActivities } = {}): Promise<ActionOutcome> {
  const params = { user };
  return (opts.via ?? actions).runAction({
    action: 'model.revokeUserPermissions',
    params,
    incidentId: 'offboarding-x',
    stepId: 'mlflow',
    idempotencyKey: 'offboarding-x:mlflow',
    dryRun: opts.dryRun ?? false,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<{ type?: string; nonRetryable?: boolean; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { type?: string; nonRetryable?: boolean; message: string };
  }
  throw new Error('expected the call to fail');
}

/** A user with EDIT on two experiments and MANAGE on a registered model; a colleague shares the first experiment. */
async function seedDeparting() {
  const user = unique('dana');
  const colleague = unique('kim');
  await Promise.all([createUser(peer, user), createUser(peer, colleague)]);
  const [e1, e2] = [await createExperiment(peer, unique('churn')), await createExperiment(peer, unique('fraud'))];
  const model = unique('fraud-detector');
  await createRegisteredModel(peer, model);
  await grant(peer, user, 'experiment', e1, 'EDIT');
  await grant(peer, user, 'experiment', e2, 'EDIT');
  await grant(peer, user, 'registered_model', model, 'MANAGE');
  await grant(peer, colleague, 'experiment', e1, 'MANAGE');
  return { user, colleague, e1, e2, model };
}

describe('model.revokeUserPermissions against a real MLflow server with the auth app', () => {
  it('dry run plans every grant and changes nothing; the run removes them all; a second run is a no-op', async () => {
    const { user, colleague, e1, e2, model } = await seedDeparting();
    const held = await userPermissions(peer, user);
    expect(held.permissions.map((p) => `${p.resource_type}:${p.resource_pattern}:${p.permission}`).sort()).toEqual(
      [`experiment:${e1}:EDIT`, `experiment:${e2}:EDIT`, `registered_model:${model}:MANAGE`].sort(),
    );
    const plan = [`revoke EDIT on experiment ${e1} from ${user}`, `revoke EDIT on experiment ${e2} from ${user}`, `revoke MANAGE on registered_model ${model} from ${user}`];

    const dry = await revoke(user, { dryRun: true });
    expect(dry.status).toBe('planned');
    expect([...dry.plan].sort()).toEqual([...plan].sort());
    expect(await userPermissions(peer, user)).toEqual(held);

    const live = await revoke(user);
    expect(live.status).toBe('changed');
    expect(live.plan).toEqual(dry.plan);
    expect(live.output).toMatchObject({
      before: { user, exists: true, isAdmin: false, roles: [], grants: expect.arrayContaining([{ resourceType: 'experiment', resourceId: e1, permission: 'EDIT', workspace: 'default' }]) as unknown },
      after: { user, exists: true, isAdmin: false, grants: [], roles: [] },
      server: peer.trackingUri,
    });
    expect(String(live.output.note)).toContain('account itself is kept');
    // At the peer: nothing left, the colleague's grant untouched, and the user falls back to the default permission.
    expect(await userPermissions(peer, user)).toEqual({ is_admin: false, permissions: [] });
    expect((await userPermissions(peer, colleague)).permissions).toEqual([expect.objectContaining({ resource_pattern: e1, permission: 'MANAGE' })]);
    expect(await effectivePermission(peer, user, 'registered_model', model)).toEqual({ allowed: false, permission: 'READ' });

    const again = await revoke(user);
    expect(again).toMatchObject({ status: 'already', plan: [`MLflow user ${user} holds no permissions, roles or admin flag: nothing to revoke`] });
  }, 120_000);

  it('also drops the admin flag and shared role memberships, and leaves the role to its other members', async () => {
    const user = unique('ari');
    const other = unique('lee');
    await Promise.all([createUser(peer, user), createUser(peer, other)]);
    const role = unique('data-science');
    const roleId = await assignNewRole(peer, user, role, { resourceType: 'experiment', pattern: '*', permission: 'EDIT' });
    await setAdmin(peer, user, true);

    const out = await revoke(user);
    expect(out.plan).toEqual([`remove the admin flag of MLflow user ${user}`, `remove ${user} from role ${role} (1 permissions)`]);
    expect(out.output).toMatchObject({ before: { isAdmin: true, roles: [{ roleId, role, workspace: 'default', permissions: 1 }], grants: [] }, after: { isAdmin: false, roles: [] } });
    expect(await userPermissions(peer, user)).toEqual({ is_admin: false, permissions: [] });
    expect(await revoke(other)).toMatchObject({ status: 'already' });
  }, 120_000);

  it('a user MLflow does not know is nothing to do, said plainly', async () => {
    const out = await revoke('nobody-here');
    expect(out).toMatchObject({
      status: 'already',
      plan: [`MLflow at ${peer.trackingUri} has no user nobody-here: nothing to revoke`],
      output: { before: { exists: false }, after: { exists: false } },
    });
  });

  it('wrong credentials fail non-retryable RegistryAccessDenied, and the password is in no message', async () => {
    const password = 'not-the-admin-password';
    const wrong = createActionActivities({ providers: { models: createMlflowRegistry({ trackingUri: peer.trackingUri, username: 'admin', password }) } });
    const err = await failureOf(revoke('dana', { via: wrong }));
    expect(err).toMatchObject({ type: 'RegistryAccessDenied', nonRetryable: true });
    expect(err.message).toContain('MLFLOW_TRACKING_USERNAME');
    expect(err.message).not.toContain(password);
  });
});
