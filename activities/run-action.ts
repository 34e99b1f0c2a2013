import { findAction } from '../catalog/index.js';
import { principalTargets } from '../catalog/principal-targets.js';
import { ProviderNotConfigured, type ActionOutcome } from '../catalog/types.js';
import { failure, FailureKind } from '../contracts/failures.js';
import { protectedTarget, withBuiltIns } from '../contracts/protected-principals.js';
import type { WardenDeps } from './deps.js';
import { actionMetrics, peerSpan } from './action-metrics.js';

export interface RunActionInput {
  readonly action: string;
  readonly params: unknown;
  readonly incidentId: string;
  readonly stepId: string;
  readonly idempotencyKey: string;
  readonly dryRun: boolean;
  /** The incident record, passed to evidence actions. */
  readonly incident?: unknown;
  /** The people whose votes approved this step (an approval gate's outcome `approved`); absent: no person approved it. */
  readonly approvedBy?: readonly string[];
}

/** The activities that run catalog actions against the configured providers. */
export function createActionActivities({ providers, protectedPrincipals, directory }: Pick<WardenDeps, 'providers' | 'protectedPrincipals' | 'directory'>) {
  const rules = withBuiltIns(protectedPrincipals);
  return {
    /**
     * Runs one catalog action. Parameters are validated again here (the worker may be newer
     * than the playbook). Idempotent: every action checks the world before changing it, under
     * `idempotencyKey`. In dry run nothing changes. An action whose provider is not configured
     * changes nothing: it reports its plan from its parameters alone with status planned and
     * output `{ applied: false, reason: 'provider-not-configured', provider }`; a live incident
     * records that as not applied ("aws not configured") and waits for a person.
     * A destructive action aimed at a protected principal is refused unless a person approved
     * the step: the alert's sender chooses the target, so the policy decides, not the alert.
     */
    async runAction(input: RunActionInput): Promise<ActionOutcome> {
      const def = findAction(input.action);
      if (!def?.run) throw failure(FailureKind.UnknownAction, `no activity runs action "${input.action}"`);
      const parsed = def.params.safeParse(input.params);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `with.${i.path.join('.')}: ${i.message}`).join('; ');
        throw failure(FailureKind.InvalidParameters, `step ${input.stepId} (${input.action}): invalid parameters: ${detail}`);
      }
      const metrics = actionMetrics();
      const hit = def.destructive && !input.dryRun && !input.approvedBy?.length ? protectedTarget(principalTargets(input.action, parsed.data), rules) : undefined;
      if (hit) {
        metrics.record(input.action, 'refused', 0);
        throw failure(
          FailureKind.ProtectedPrincipal,
          `not applied: refused by policy: ${input.action} aims at ${hit.name}, protected by ${hit.rule}; a destructive step on a protected principal needs a person's approval (add approval: to the step)`,
        );
      }
      const ctx = { incidentId: input.incidentId, stepId: input.stepId, idempotencyKey: input.idempotencyKey, deps: providers, incident: input.incident, ...(directory ? { directory } : {}) };
      const started = performance.now();
      const took = (): number => (performance.now() - started) / 1000;
      const endSpan = peerSpan(input.action, input.dryRun);
      try {
        const outcome = await def.run(parsed.data, ctx, input.dryRun);
        metrics.record(input.action, outcome.status, took());
        endSpan(outcome.status);
        return outcome;
      } catch (err) {
        const kind = err instanceof ProviderNotConfigured ? 'not_configured' : 'error';
        metrics.record(input.action, kind, took());
        endSpan(kind, err as Error);
        // A provider that is not configured changes nothing: the step reports its plan and says
        // plainly which provider is missing; the workflow decides what a live incident does.
        if (err instanceof ProviderNotConfigured) {
          const note = input.dryRun ? `current state not read: ${err.message}` : `NOT APPLIED: ${err.message}`;
          return { status: 'planned', plan: [...def.describe(parsed.data), note], output: { applied: false, reason: 'provider-not-configured', provider: err.provider } };
        }
        throw err;
      }
    },
  };
}

export type ActionActivities = ReturnType<typeof createActionActivities>;
