import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction, requireDep } from '../../types.js';
import { alias, HOW, model, version } from './params.js';

/**
 * Points an alias at a version (the undo of model.rollback). Destructive (serving changes).
 * Idempotent: an alias that already points there reports `already`.
 */
export const modelSetAlias = defineAction({
  name: 'model.setAlias',
  title: 'Set model alias',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ model, alias, version }),
  describe: (p) => [`point alias ${p.alias} of ${p.model} at version ${p.version}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'models', HOW).setAlias({ ...p, dryRun }), dryRun);
  },
});
