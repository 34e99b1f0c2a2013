import type { ChangeResult } from '../activities/ports.js';
import type { ObservedState } from '../contracts/incident.js';
import type { ActionOutcome } from './types.js';

/** Maps a provider's ChangeResult onto the action outcome every catalog entry reports. */
export function outcomeOf(result: ChangeResult, dryRun: boolean): ActionOutcome {
  return {
    status: dryRun ? 'planned' : result.changed ? 'changed' : 'already',
    plan: result.plan,
    output: { before: result.before, after: result.after, ...result.output },
    observed: observedOf(result),
  };
}

/**
 * The before and after the provider read at the peer. An `after` the provider did not read back
 * (a dry run's "would leave", or a provider that does not read back) is left out, never shown as
 * observed.
 */
export function observedOf(result: ChangeResult): ObservedState {
  return result.afterFrom === 'peer' ? { before: result.before, after: result.after } : { before: result.before };
}
