import type { ItemSpec } from './plan.js';
import { DEFAULT_RETENTION_DAYS, type OffboardingInput, type OffboardingItem, type OffboardingProvider, type OffboardingState } from '../../contracts/offboarding.js';
import { progressOf } from '../../contracts/offboarding-view.js';

const PROVIDERS: readonly OffboardingProvider[] = ['warden', 'aws', 'github', 'mlflow'];

/** The offboarding's first state, or the state carried over by continue-as-new. */
export function initialOffboardingState(input: OffboardingInput, now: string, runTag: string): OffboardingState {
  if (input.carried) return { ...input.carried, runs: input.carried.runs + 1 };
  return {
    personId: input.personId,
    person: input.person,
    reason: input.reason,
    requestedBy: input.requestedBy,
    dryRun: input.dryRun,
    retentionDays: input.retentionDays ?? DEFAULT_RETENTION_DAYS,
    notify: input.notify,
    runTag,
    phase: input.requiresApproval || (input.effectiveAt && Date.parse(input.effectiveAt) > Date.parse(now)) ? 'scheduled' : 'revoking',
    ...(input.requiresApproval ? { approval: { required: true } } : {}),
    times: { createdAt: now, ...(input.effectiveAt ? { effectiveAt: input.effectiveAt } : {}) },
    providers: {},
    items: [],
    legalHold: { active: false, changes: [] },
    retention: { status: 'pending' },
    reports: [],
    notifications: [],
    timeline: [{ at: now, event: `offboarding of ${input.person.name} (${input.personId}) requested${input.dryRun ? ' as a dry run' : ''}: ${input.reason}`, by: input.requestedBy }],
    runs: 1,
  };
}

/** Adds items not yet in the state (a replay or a rerun finds them there) and returns the state's records. */
export function addItems(state: OffboardingState, specs: readonly ItemSpec[]): OffboardingItem[] {
  return specs.map((s) => {
    const existing = state.items.find((i) => i.id === s.id);
    if (existing) return existing;
    const item: OffboardingItem = { ...s, status: 'pending', runs: 0, retries: [] };
    state.items.push(item);
    return item;
  });
}

/** Finished for good: done, planned (dry run) or waived by a person. */
export const settled = (item: OffboardingItem): boolean => item.status === 'done' || item.status === 'planned' || item.status === 'waived';

/** The state with its per-provider progress worked out from the items (what the query, the report and the result show). */
export function withProgress(state: OffboardingState): OffboardingState {
  const providers: OffboardingState['providers'] = {};
  for (const provider of PROVIDERS) {
    const items = state.items.filter((i) => i.provider === provider);
    if (items.length) providers[provider] = progressOf(items);
  }
  return { ...state, providers };
}
