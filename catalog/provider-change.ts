import type { ChangeResult } from '../activities/ports.js';
import type { ActionOutcome } from './types.js';

/** Maps a provider's ChangeResult onto the action outcome every catalog entry reports. */
export function outcomeOf(result: ChangeResult, dryRun: boolean): ActionOutcome {
  return {
    status: dryRun ? 'planned' : result.changed ? 'changed' : 'already',
    plan: result.plan,
    output: { before: result.before, after: result.after, ...result.output },
  };
}
