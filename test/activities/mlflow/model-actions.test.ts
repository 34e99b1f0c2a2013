import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionActivities, type ActionActivities } from '../../../activities/run-action.js';
import { createMlflowRegistry } from '../../../activities/providers/mlflow/mlflow-registry.js';
import type { ActionOutcome } from '../../../catalog/types.js';
import { modelRollback } from '../../../catalog/actions/model/rollback.js';
import { parseValue, renderParsed } from '../../../engine/parsed-value.js';
import { aliasTarget, mlflowRest, seedModel, startMlflow, versionTags, type MlflowPeer } from '../../peers/mlflow.js';

let peer: MlflowPeer;
let actions: ActionActivities;
beforeAll(async () => {
  peer = await startMlflow();
  actions = createActionActivities({ providers: { models: createMlflowRegistry({ trackingUri: peer.trackingUri }) } });
}, 120_000);
afterAll(async () => {
  await peer?.close();
});

/** A freshly seeded model of its own for each test. */
async function model(opts: { versions: number; champion: number; validated?: number[] }): Promise<string> {
  const name = `fraud-detector-${randomUUID().slice(0, 8)}`;
  await seedModel(peer.trackingUri, name, opts);
  return name;
}

function run(action: string, params: Record<string, unknown>, opts: { dryRun?: boolean; incidentId?: string } = {}): Promise<ActionOutcome> {
  return actions.runAction({ action, params, incidentId: opts.incidentId ?? 'inc-1', stepId: 'step', idempotencyKey: 'inc-1/step', dryRun: opts.dryRun ?? false });
}

async function failureOf(promise: Promise<unknown>): Promise<{ type?: string; nonRetryable?: boolean; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { type?: string; nonRetryable?: boolean; message: string };
  }
  throw new Error('expected the call to fail');
}

const champion = (name: string) => aliasTarget(peer.trackingUri, name, 'champion');
const tags = (name: string, version: string) => versionTags(peer.trackingUri, name, version);

describe('model.rollback against a real MLflow server', () => {
  it('moves champion to the newest validated version and quarantines the bad one with the incident id', async () => {
    const name = await model({ versions: 4, champion: 4, validated: [1, 2] });
    const out = await run('model.rollback', { model: name, reason: 'tampered weights' }, { incidentId: 'inc-42' });
    expect(out.status).toBe('changed');
    expect(out.plan).toEqual([`move alias champion of ${name} from version 4 to version 2`, 'tag version 4 warden.quarantined=true']);
    expect(out.output).toMatchObject({ before: { version: '4' }, after: { version: '2' }, chosenBy: 'validated' });
    expect(await champion(name)).toBe('2');
    expect(await tags(name, '4')).toMatchObject({ 'warden.quarantined': 'true', 'warden.incident': 'inc-42', 'warden.quarantine_reason': 'tampered weights' });
  });

  it('takes the newest validated version even when it is newer than the bad one', async () => {
    const name = await model({ versions: 4, champion: 2, validated: [1, 3] });
    await run('model.rollback', { model: name, reason: 'drift' });
    expect(await champion(name)).toBe('3');
  });

  it('without a validated version, falls back to the previous version that is not quarantined', async () => {
    const name = await model({ versions: 3, champion: 3 });
    const quarantined = await run('model.quarantineVersion', { model: name, version: '2', reason: 'poisoned data' });
    expect(quarantined.status).toBe('changed');
    const out = await run('model.rollback', { model: name, reason: 'poisoned data' });
    expect(out.output).toMatchObject({ before: { version: '3' }, after: { version: '1' }, chosenBy: 'previous' });
    expect(await champion(name)).toBe('1');
  });

  it('rolls back to an explicit version', async () => {
    const name = await model({ versions: 3, champion: 3, validated: [2] });
    await run('model.rollback', { model: name, toVersion: '1', reason: 'operator choice' });
    expect(await champion(name)).toBe('1');
    expect((await tags(name, '3'))['warden.quarantined']).toBe('true');
  });

  it('run twice, it leaves the same state and the second run reports already', async () => {
    const name = await model({ versions: 3, champion: 3 });
    const first = await run('model.rollback', { model: name, reason: 'r' });
    const second = await run('model.rollback', { model: name, reason: 'r' });
    expect(first.status).toBe('changed');
    expect(second.status).toBe('already');
    expect(second.output).toMatchObject({ before: { version: '3' }, after: { version: '2' } });
    expect(second.plan).toEqual([`alias champion of ${name} already serves version 2`, 'version 3 is already tagged warden.quarantined=true']);
    expect(await champion(name)).toBe('2');
  });

  it('a rerun after a crash between moving the alias and tagging finishes the same rollback', async () => {
    const name = await model({ versions: 3, champion: 3 });
    await run('model.rollback', { model: name, reason: 'r' });
    await mlflowRest(peer.trackingUri, 'DELETE', 'model-versions/delete-tag', { name, version: '3', key: 'warden.quarantined' });
    const rerun = await run('model.rollback', { model: name, reason: 'r' });
    expect(rerun.status).toBe('changed');
    expect(rerun.plan).toEqual([`alias champion of ${name} already serves version 2`, 'tag version 3 warden.quarantined=true']);
    expect(rerun.output).toMatchObject({ before: { version: '3' }, after: { version: '2' } });
    expect(await champion(name)).toBe('2');
    expect((await tags(name, '3'))['warden.quarantined']).toBe('true');
  });

  it('a dry run changes nothing and plans exactly what the real run then does', async () => {
    const name = await model({ versions: 3, champion: 3, validated: [1] });
    const planned = await run('model.rollback', { model: name, reason: 'r' }, { dryRun: true });
    expect(planned.status).toBe('planned');
    expect(await champion(name)).toBe('3');
    expect(await tags(name, '3')).toEqual({});
    const registered = await mlflowRest<{ registered_model: { tags?: unknown[] } }>(peer.trackingUri, 'GET', 'registered-models/get', { name });
    expect(registered.registered_model.tags ?? []).toEqual([]);
    const real = await run('model.rollback', { model: name, reason: 'r' });
    expect(real.plan).toEqual(planned.plan);
    // The real run adds what it verified at the peer (a dry run reads nothing back to verify).
    const { verified, ...realAfter } = (real.output as { after: Record<string, unknown> }).after;
    expect({ ...real.output, after: realAfter }).toEqual(planned.output);
    expect(verified).toMatchObject({ version: '1', source: `s3://warden-test-models/${name}/1`, runId: null, runKnown: null });
  });

  it("the catalog's undo, rendered from the rollback's output, puts the alias back", async () => {
    const name = await model({ versions: 3, champion: 3 });
    const params = modelRollback.params.parse({ model: name, reason: 'r' });
    const out = await run('model.rollback', params);
    expect(await champion(name)).toBe('2');
    const undo = modelRollback.undo!;
    const undoParams = renderParsed(parseValue(undo.with), { self: { params, output: out.output } }) as Record<string, unknown>;
    expect(undoParams).toEqual({ model: name, alias: 'champion', version: '3' });
    expect((await run(undo.action, undoParams)).status).toBe('changed');
    expect(await champion(name)).toBe('3');
    expect((await run(undo.action, undoParams)).status).toBe('already');
  });

  it('fails non-retryable NoRollbackTarget for a model with one version', async () => {
    const name = await model({ versions: 1, champion: 1 });
    const err = await failureOf(run('model.rollback', { model: name, reason: 'r' }));
    expect(err).toMatchObject({ type: 'NoRollbackTarget', nonRetryable: true });
    expect(err.message).toContain(name);
    expect(err.message).toContain('champion');
    expect(await champion(name)).toBe('1');
  });
});

describe('the other model actions', () => {
  it('setAlias and quarantineVersion act once and then report already', async () => {
    const name = await model({ versions: 2, champion: 2 });
    expect((await run('model.setAlias', { model: name, alias: 'champion', version: '1' })).status).toBe('changed');
    expect((await run('model.setAlias', { model: name, alias: 'champion', version: '1' })).status).toBe('already');
    expect(await champion(name)).toBe('1');
    expect((await run('model.quarantineVersion', { model: name, version: '2', reason: 'bad' }, { incidentId: 'inc-7' })).status).toBe('changed');
    expect((await run('model.quarantineVersion', { model: name, version: '2', reason: 'other' })).status).toBe('already');
    expect(await tags(name, '2')).toMatchObject({ 'warden.quarantined': 'true', 'warden.incident': 'inc-7', 'warden.quarantine_reason': 'bad' });
  });

  it('setAlias, quarantineVersion and rollback report what MLflow held before and read back after', async () => {
    const name = await model({ versions: 3, champion: 3 });
    const planned = await run('model.setAlias', { model: name, alias: 'champion', version: '2' }, { dryRun: true });
    expect(planned.observed).toEqual({ before: { alias: 'champion', version: '3' } });

    const moved = await run('model.setAlias', { model: name, alias: 'champion', version: '2' });
    expect(moved.observed).toEqual({ before: { alias: 'champion', version: '3' }, after: { alias: 'champion', version: '2' } });
    expect(await champion(name)).toBe('2');
    const again = await run('model.setAlias', { model: name, alias: 'champion', version: '2' });
    expect(again).toMatchObject({ status: 'already', observed: { before: { alias: 'champion', version: '2' }, after: { alias: 'champion', version: '2' } } });

    const tagged = await run('model.quarantineVersion', { model: name, version: '3', reason: 'tampered' });
    expect(tagged.observed).toEqual({ before: { version: '3', quarantined: false, aliases: [] }, after: { version: '3', quarantined: true, aliases: [] } });
    expect(await tags(name, '3')).toMatchObject({ 'warden.quarantined': 'true' });

    const rolled = await run('model.rollback', { model: name, reason: 'poisoned', toVersion: '1' });
    expect(rolled.observed).toEqual({
      before: { alias: 'champion', version: '2', serving: '2', quarantined: false },
      after: {
        alias: 'champion',
        version: '1',
        quarantinedVersion: '2',
        serving: '1',
        quarantined: true,
        verified: { version: '1', source: `s3://warden-test-models/${name}/1`, runId: null, runKnown: null },
      },
    });
    expect(await champion(name)).toBe('1');
    expect(await tags(name, '2')).toMatchObject({ 'warden.quarantined': 'true' });
  });

  it('listVersions reports versions with tags, aliases, creation time, source and status', async () => {
    const name = await model({ versions: 2, champion: 2, validated: [1] });
    const out = await run('model.listVersions', { model: name });
    expect(out.status).toBe('already');
    expect(out.output.aliases).toEqual({ champion: '2' });
    expect(out.output.versions).toEqual([
      expect.objectContaining({ version: '2', aliases: ['champion'], status: 'ready', source: `s3://warden-test-models/${name}/2`, validated: false, quarantined: false }),
      expect.objectContaining({ version: '1', aliases: [], tags: { validated: 'true' }, validated: true, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown }),
    ]);
  });

  it('an unknown model, version or alias fails non-retryable ModelNotFound naming it', async () => {
    const name = await model({ versions: 1, champion: 1 });
    const noModel = await failureOf(run('model.rollback', { model: 'no-such-model', reason: 'r' }));
    expect(noModel).toMatchObject({ type: 'ModelNotFound', nonRetryable: true });
    expect(noModel.message).toContain('no-such-model');
    expect((await failureOf(run('model.setAlias', { model: name, alias: 'champion', version: '9' }))).message).toMatch(/version 9 of model fraud-detector-/);
    expect((await failureOf(run('model.rollback', { model: name, alias: 'shadow', reason: 'r' }))).message).toMatch(/alias shadow of model fraud-detector-.* is not set/);
  });

  it('revoking a user on a server without the auth app fails non-retryable RegistryAuthNotEnabled, in a dry run too', async () => {
    for (const dryRun of [false, true]) {
      const err = await failureOf(run('model.revokeUserPermissions', { user: 'dana' }, { dryRun }));
      expect(err).toMatchObject({ type: 'RegistryAuthNotEnabled', nonRetryable: true });
      expect(err.message).toContain('--app-name basic-auth');
    }
  });

  it('a server that refuses the Host header fails non-retryable RegistryAccessDenied saying what to set', async () => {
    const byName = createMlflowRegistry({ trackingUri: `http://localhost:${peer.port}` });
    const err = await failureOf(byName.listVersions({ model: 'anything' }));
    expect(err).toMatchObject({ type: 'RegistryAccessDenied', nonRetryable: true });
    expect(err.message).toContain('--allowed-hosts');
  });

  it('while the server is down calls fail retryable RegistryUnavailable, and succeed after it restarts', async () => {
    const name = await model({ versions: 2, champion: 2 });
    const secret = 'pw-never-echoed-1234';
    const registry = createMlflowRegistry({ trackingUri: peer.trackingUri, username: 'warden', password: secret, timeoutMs: 2_000 });
    await peer.stop();
    const err = await failureOf(registry.rollback({ model: name, alias: 'champion', reason: 'r', dryRun: false }));
    expect(err).toMatchObject({ type: 'RegistryUnavailable', nonRetryable: false });
    expect(err.message).not.toContain(secret);
    await peer.restart();
    expect((await registry.rollback({ model: name, alias: 'champion', reason: 'r', dryRun: false })).changed).toBe(true);
    expect(await champion(name)).toBe('1');
  }, 120_000);
});
