import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction, requireDep } from '../../types.js';
import { alias, HOW, model, version } from './params.js';

/**
 * Takes a model out of service (NIST AI RMF MANAGE 2.4, "disengage or deactivate"): removes the
 * alias serving it, or points the alias at `toVersion` (a quarantine or holding version). The
 * version it served is recorded on the registered model first, and the alias is read back.
 * Destructive (serving stops). The undo points the alias back at `output.before.version`.
 */
export const modelDisengage = defineAction({
  name: 'model.disengage',
  title: 'Disengage model',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ model, alias, toVersion: version.optional(), reason: z.string().min(1) }),
  describe: (p) => [p.toVersion ? `point alias ${p.alias} of ${p.model} at version ${p.toVersion}, out of service` : `remove alias ${p.alias} of ${p.model}: nothing serves under it`],
  undo: { action: 'model.setAlias', with: { model: '{{ self.params.model }}', alias: '{{ self.params.alias }}', version: '{{ self.output.before.version }}' } },
  async run(p, ctx, dryRun) {
    const input = { model: p.model, alias: p.alias, reason: p.reason, incidentId: ctx.incidentId, dryRun };
    return outcomeOf(await requireDep(ctx.deps, 'models', HOW).disengage(p.toVersion ? { ...input, toVersion: p.toVersion } : input), dryRun);
  },
});
