import type { ItemSpec } from './plan.js';
import { DEFAULT_RETENTION_DAYS, type OffboardingInput, type OffboardingItem, type OffboardingProvider, type OffboardingProviderProgress, type OffboardingState } from '../../contracts/offboarding.js';

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

function progressOf(items: readonly OffboardingItem[]): OffboardingProviderProgress {
  const count = (s: OffboardingItem['status']) => items.filter((i) => i.status === s).length;
  const p = { total: items.length, done: count('done'), planned: count('planned'), waived: count('waived'), escalated: count('escalated') };
  const open = p.total - p.done - p.planned - p.waived;
  const started = items.some((i) => i.status !== 'pending');
  const status: OffboardingProviderProgress['status'] = p.escalated > 0 ? 'escalated' : open > 0 ? (started ? 'running' : 'pending') : p.planned > 0 && p.done === 0 ? 'planned' : 'done';
  return { ...p, open, status };
}

/** The state with its per-provider progress worked out from the items (what the query, the report and the result show). */
export function withProgress(state: OffboardingState): OffboardingState {
  const providers: OffboardingState['providers'] = {};
  for (const provider of PROVIDERS) {
    const items = state.items.filter((i) => i.provider === provider);
    if (items.length) providers[provider] = progressOf(items);
  }
  return { ...state, providers };
}

/** A read that plans revocations rather than one itself. */
export const isInventory = (item: Pick<OffboardingItem, 'action'>): boolean => item.action === 'aws.listEntitlements';

/** A one-line tally for notifications: "12 revoked, 3 already absent, 1 waived". */
export function tally(items: readonly OffboardingItem[]): string {
  const revocations = items.filter((i) => !isInventory(i));
  const n = (f: (i: OffboardingItem) => boolean) => revocations.filter(f).length;
  const parts = [
    [n((i) => i.outcome === 'changed'), 'revoked'],
    [n((i) => i.outcome === 'already'), 'already absent'],
    [n((i) => i.status === 'planned'), 'planned (dry run)'],
    [n((i) => i.status === 'waived'), 'waived'],
    [n((i) => i.status === 'escalated'), 'waiting for an operator'],
  ] as const;
  return (
    parts
      .filter(([count]) => count > 0)
      .map(([count, what]) => `${count} ${what}`)
      .join(', ') || 'nothing to revoke'
  );
}
