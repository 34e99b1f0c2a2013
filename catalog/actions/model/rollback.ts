import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction, requireDep } from '../../types.js';
import { alias, HOW, model, version } from './params.js';

/**
 * Moves the alias off the version it serves: to an explicit version, else the newest version
 * tagged validated, else the previous one; tags the version it left warden.quarantined=true with
 * the incident id. Destructive (serving changes). Idempotent per incident: a rerun finishes or
 * reports the same rollback. `output.before.version` is the version it left, which the undo
 * points the alias back at; `output.after.version` the one now served.
 */
export const modelRollback = defineAction({
  name: 'model.rollback',
  title: 'Roll back model',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ model, alias, toVersion: version.optional(), reason: z.string().min(1) }),
  describe: (p) => [
    `move alias ${p.alias} of ${p.model} to ${p.toVersion ? `version ${p.toVersion}` : 'the newest validated version, else the previous one'}`,
    `tag the version it leaves warden.quarantined=true`,
  ],
  undo: { action: 'model.setAlias', with: { model: '{{ self.params.model }}', alias: '{{ self.params.alias }}', version: '{{ self.output.before.version }}' } },
  async run(p, ctx, dryRun) {
    const registry = requireDep(ctx.deps, 'models', HOW);
    const input = { model: p.model, alias: p.alias, reason: p.reason, incidentId: ctx.incidentId, dryRun };
    return outcomeOf(await registry.rollback(p.toVersion ? { ...input, toVersion: p.toVersion } : input), dryRun);
  },
});
