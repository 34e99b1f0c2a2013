import { z } from 'zod';
import { outcomeOf } from '../provider-change.js';
import { defineAction, requireDep } from '../types.js';

const HOW = 'set MLFLOW_TRACKING_URI';
const model = z.string().min(1).describe('registered model name');
const alias = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an alias such as champion').default('champion');

/**
 * Moves the alias off the serving version: to an explicit version, else the newest version
 * tagged validated, else the previous one; tags the bad version quarantined. Undo restores the alias.
 */
export const modelRollback = defineAction({
  name: 'model.rollback',
  title: 'Roll back model',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ model, alias, toVersion: z.string().regex(/^\d+$/).optional(), reason: z.string().min(1) }),
  describe: (p) => [
    `move alias ${p.alias} of model ${p.model} to ${p.toVersion ? `version ${p.toVersion}` : 'the newest validated version, else the previous one'}`,
    `tag the version it leaves warden.quarantined=true`,
  ],
  undo: { action: 'model.setAlias', with: { model: '{{ self.params.model }}', alias: '{{ self.params.alias }}', version: '{{ self.output.before.version }}' } },
  async run(p, ctx, dryRun) {
    const registry = requireDep(ctx.deps, 'models', HOW);
    return outcomeOf(await registry.rollback({ model: p.model, alias: p.alias, reason: p.reason, dryRun, ...(p.toVersion ? { toVersion: p.toVersion } : {}) }), dryRun);
  },
});

/** Points an alias at a version (used as the undo of model.rollback). */
export const modelSetAlias = defineAction({
  name: 'model.setAlias',
  title: 'Set model alias',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ model, alias, version: z.string().regex(/^\d+$/, 'a version number') }),
  describe: (p) => [`point alias ${p.alias} of model ${p.model} at version ${p.version}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'models', HOW).setAlias({ ...p, dryRun }), dryRun);
  },
});

/** Tags a model version warden.quarantined=true with the incident id. */
export const modelQuarantineVersion = defineAction({
  name: 'model.quarantineVersion',
  title: 'Quarantine model version',
  kind: 'change',
  destructive: false,
  params: z.strictObject({ model, version: z.string().regex(/^\d+$/, 'a version number'), reason: z.string().min(1) }),
  describe: (p) => [`tag version ${p.version} of model ${p.model} warden.quarantined=true`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'models', HOW).quarantineVersion({ ...p, dryRun }), dryRun);
  },
});
