/** How a step's result is named truthfully: what the action reported, or why it changed nothing at its peer. */
import type { NotApplied, StepState, StepStatus } from '../../contracts/incident.js';

/** Failure kinds that mean "nothing was changed, and it is not a fault of the run": a person decides. */
const NOT_APPLIED_KINDS: Readonly<Record<string, NotApplied['reason']>> = {
  AwsNotFound: 'target-missing',
  GitHubNotFound: 'target-missing',
  ModelNotFound: 'target-missing',
  ProtectedPrincipal: 'refused-by-policy',
  AwsAccountNotConfigured: 'provider-not-configured',
};

const WORDS: Record<NotApplied['reason'], string> = {
  'provider-not-configured': 'not configured',
  'target-missing': 'target missing',
  'refused-by-policy': 'refused by policy',
};

/** The step's status from the action's outcome; in a live incident "planned" means nothing was applied, and says why. */
export function statusOfOutcome(st: Pick<StepState, 'outcome' | 'output'>, dryRun: boolean): { status: StepStatus; notApplied?: NotApplied } {
  if (st.outcome === 'changed') return { status: 'applied' };
  if (st.outcome === 'already') return { status: 'already_so' };
  if (dryRun) return { status: 'planned' };
  const out = (st.output ?? {}) as { reason?: unknown; provider?: unknown };
  const reason = typeof out.reason === 'string' ? out.reason : '';
  const provider = typeof out.provider === 'string' ? out.provider : /^([a-z]+)-not-configured$/.exec(reason)?.[1];
  if (provider) return { status: 'not_applied', notApplied: { reason: 'provider-not-configured', message: `${provider} not configured` } };
  if (reason === 'no-recipient') return { status: 'not_applied', notApplied: { reason: 'target-missing', message: 'target missing: no recipient' } };
  return { status: 'not_applied', notApplied: { reason: 'provider-not-configured', message: `not applied: ${reason || 'the action changed nothing'}` } };
}

/** A failure that means the target is missing or policy refused it: not applied, with the failure's words. */
export function notAppliedOf(error: { message: string; type?: string }): NotApplied | undefined {
  const reason = error.type ? NOT_APPLIED_KINDS[error.type] : undefined;
  if (!reason) return undefined;
  const words = WORDS[reason];
  return { reason, message: error.message.startsWith('not applied: ') ? error.message.slice('not applied: '.length) : `${words}: ${error.message}` };
}

/** Steps in these states count as done for their phase. */
export const DONE: ReadonlySet<StepStatus> = new Set(['applied', 'already_so', 'skipped', 'done_by_hand', 'succeeded']);
/** Steps in these states changed the world at their peer (or a person did it): they move the phase's KPI time. */
export const EFFECTIVE: ReadonlySet<StepStatus> = new Set(['applied', 'already_so', 'done_by_hand', 'succeeded']);
