/**
 * model.disengage (issue #19, point 6) against a real mlflow server: the model is taken out of
 * service by removing its alias or pointing it at a holding version, read back at MLflow; the
 * version it served is recorded first, so a rerun after a crash still knows what the undo restores.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMlflowRegistry } from '../../../activities/providers/mlflow/mlflow-registry.js';
import { findAction } from '../../../catalog/index.js';
import type { ModelRegistry } from '../../../activities/ports/model-registry.js';
import { aliasTarget, mlflowRest, seedModel, startMlflow, type MlflowPeer } from '../../peers/mlflow.js';

let peer: MlflowPeer;
let registry: ModelRegistry;
beforeAll(async () => {
  peer = await startMlflow();
  registry = createMlflowRegistry({ trackingUri: peer.trackingUri });
}, 120_000);
afterAll(async () => {
  await peer?.close();
});

const aliasIsSet = async (name: string, alias: string): Promise<boolean> => {
  const model = await mlflowRest<{ registered_model: { aliases?: { alias: string }[] } }>(peer.trackingUri, 'GET', 'registered-models/get', { name });
  return (model.registered_model.aliases ?? []).some((a) => a.alias === alias);
};
const modelTag = async (name: string, key: string): Promise<string | undefined> => {
  const model = await mlflowRest<{ registered_model: { tags?: { key: string; value: string }[] } }>(peer.trackingUri, 'GET', 'registered-models/get', { name });
  return model.registered_model.tags?.find((t) => t.key === key)?.value;
};

describe('model.disengage on MLflow', () => {
  it('removes the alias, reads it back, and records what it served; a dry run changes nothing', async () => {
    const name = `disengage-${randomUUID().slice(0, 8)}`;
    await seedModel(peer.trackingUri, name, { versions: 2, champion: 2 });
    const input = { model: name, alias: 'champion', reason: 'poisoned', incidentId: 'inc-d1' };
    const dry = await registry.disengage({ ...input, dryRun: true });
    expect(dry).toMatchObject({ changed: false, afterFrom: 'plan', before: { version: '2' }, after: { version: null } });
    expect(dry.plan.join('\n')).toContain('remove alias champion');
    expect(await aliasTarget(peer.trackingUri, name, 'champion')).toBe('2');

    const live = await registry.disengage({ ...input, dryRun: false });
    expect(live).toMatchObject({ changed: true, afterFrom: 'peer', before: { alias: 'champion', version: '2' }, after: { alias: 'champion', version: null } });
    expect(await aliasIsSet(name, 'champion')).toBe(false);
    expect(JSON.parse((await modelTag(name, 'warden.disengaged.champion'))!)).toEqual({ from: '2', to: null, incident: 'inc-d1' });

    // A rerun of the same incident (the activity retried after the alias was removed) reports the same change and what it served.
    expect(await registry.disengage({ ...input, dryRun: false })).toMatchObject({ changed: true, before: { version: '2' }, after: { version: null } });
    // Another incident finds nothing serving: nothing to do, and it says so.
    const other = await registry.disengage({ ...input, incidentId: 'inc-d2', dryRun: false });
    expect(other).toMatchObject({ changed: false, afterFrom: 'peer', after: { version: null } });
    expect(other.plan[0]).toContain('is not set');
  });

  it('points the alias at a holding version instead, and the undo (model.setAlias to before.version) restores it', async () => {
    const name = `disengage-${randomUUID().slice(0, 8)}`;
    await seedModel(peer.trackingUri, name, { versions: 3, champion: 3 });
    const action = findAction('model.disengage')!;
    expect(action.undo).toMatchObject({ action: 'model.setAlias', with: { version: '{{ self.output.before.version }}' } });
    const ctx = { incidentId: 'inc-d3', stepId: 'disengage', idempotencyKey: 'inc-d3:disengage', deps: { models: registry } };
    const out = await action.run!({ model: name, alias: 'champion', toVersion: '1', reason: 'tampered' }, ctx, false);
    expect(out).toMatchObject({ status: 'changed', output: { before: { version: '3' }, after: { version: '1' } }, observed: { before: { version: '3' }, after: { version: '1' } } });
    expect(await aliasTarget(peer.trackingUri, name, 'champion')).toBe('1');
    const undo = await findAction('model.setAlias')!.run!({ model: name, alias: 'champion', version: '3' }, ctx, false);
    expect(undo.status).toBe('changed');
    expect(await aliasTarget(peer.trackingUri, name, 'champion')).toBe('3');
  });

  it('refuses a holding version that does not exist, and an unknown model, without touching the alias', async () => {
    const name = `disengage-${randomUUID().slice(0, 8)}`;
    await seedModel(peer.trackingUri, name, { versions: 1, champion: 1 });
    await expect(registry.disengage({ model: name, alias: 'champion', toVersion: '9', reason: 'x', dryRun: false })).rejects.toMatchObject({ type: 'ModelNotFound' });
    await expect(registry.disengage({ model: `${name}-nope`, alias: 'champion', reason: 'x', dryRun: false })).rejects.toMatchObject({ type: 'ModelNotFound' });
    expect(await aliasTarget(peer.trackingUri, name, 'champion')).toBe('1');
  });
});
