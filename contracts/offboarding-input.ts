import type { OffboardingTarget } from './offboarding-target.js';
import type { OffboardingInput, OffboardingNotify } from './offboarding.js';

export interface OffboardingRequest {
  readonly reason: string;
  readonly requestedBy: string;
  readonly dryRun: boolean;
  /** A live offboarding whose requester may not act alone: a second person approves first. */
  readonly requiresApproval?: boolean;
  /** The server's decision-signing public key: approvals must carry its signature. */
  readonly decisionKey?: string;
  readonly effectiveAt?: string;
  readonly retentionDays?: number;
  /** Security's recipients; the manager's address is added. */
  readonly notify: OffboardingNotify;
}

/** The workflow input for a resolved person: the manager joins security on the report's recipients. */
export function buildOffboardingInput(target: OffboardingTarget, req: OffboardingRequest): OffboardingInput {
  const email = [...new Set([...(req.notify.email ?? []), ...(target.manager ? [target.manager.email] : [])])];
  return {
    personId: target.person.id,
    person: target.person,
    reason: req.reason,
    requestedBy: req.requestedBy,
    dryRun: req.dryRun,
    ...(req.requiresApproval ? { requiresApproval: true } : {}),
    ...(req.decisionKey ? { decisionKey: req.decisionKey } : {}),
    ...(req.effectiveAt ? { effectiveAt: req.effectiveAt } : {}),
    ...(req.retentionDays !== undefined ? { retentionDays: req.retentionDays } : {}),
    notify: { ...(email.length ? { email } : {}), ...(req.notify.slackChannel ? { slackChannel: req.notify.slackChannel } : {}) },
  };
}
