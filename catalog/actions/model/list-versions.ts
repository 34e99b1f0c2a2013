import { z } from 'zod';
import { defineAction, requireDep } from '../../types.js';
import { HOW, model } from './params.js';

/**
 * Reads every version of a model with its tags, aliases, creation time, source and status.
 * Read-only, so it reads in a dry run too (status `planned` there, `already` otherwise).
 */
export const modelListVersions = defineAction({
  name: 'model.listVersions',
  title: 'List model versions',
  kind: 'read',
  destructive: false,
  params: z.strictObject({ model }),
  describe: (p) => [`read the versions, tags and aliases of ${p.model}`],
  async run(p, ctx, dryRun) {
    const list = await requireDep(ctx.deps, 'models', HOW).listVersions({ model: p.model });
    return { status: dryRun ? 'planned' : 'already', plan: [`read ${list.versions.length} versions of ${p.model}`], output: { ...list } };
  },
});
