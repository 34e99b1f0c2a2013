import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction, requireDep } from '../../types.js';
import { HOW, model, version } from './params.js';

/**
 * Tags a model version warden.quarantined=true with the reason and incident id; aliases are not
 * moved. Idempotent on the tag: a version already quarantined reports `already`.
 */
export const modelQuarantineVersion = defineAction({
  name: 'model.quarantineVersion',
  title: 'Quarantine model version',
  kind: 'change',
  destructive: false,
  params: z.strictObject({ model, version, reason: z.string().min(1) }),
  describe: (p) => [`tag version ${p.version} of ${p.model} warden.quarantined=true`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'models', HOW).quarantineVersion({ ...p, incidentId: ctx.incidentId, dryRun }), dryRun);
  },
});
