/** The activity side of a step: the proxies actions run through (one retry policy per kind), the approval message, and failure descriptions. */
import type { Duration } from '@temporalio/common';
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { ActionActivities, RunActionInput } from '../../activities/run-action.js';
import type { ApprovalChatActivities } from '../../activities/incident/approval-activities.js';
import type { ActionOutcome } from '../../catalog/types.js';
import type { ActionKind, ResolvedStep } from '../../engine/playbook-types.js';

type ActivityKind = Exclude<ActionKind, 'workflow'>;

/** One retry and timeout policy per kind of work: notifications, changes, evidence, outbound calls, reads. */
const DEFAULTS: Record<ActivityKind, ActivityOptions> = {
  notify: { startToCloseTimeout: '30s', retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 8 } },
  change: { startToCloseTimeout: '2m', retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 10 } },
  evidence: { startToCloseTimeout: '1m', retry: { initialInterval: '2s', maximumAttempts: 5 } },
  http: { startToCloseTimeout: '1m', retry: { initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 5 } },
  read: { startToCloseTimeout: '5m', retry: { initialInterval: '5s', maximumAttempts: 5 } },
};

function optionsFor(kind: ActivityKind, step?: Pick<ResolvedStep, 'retry' | 'timeout'>): ActivityOptions {
  const base = DEFAULTS[kind];
  if (!step?.retry && !step?.timeout) return base;
  return {
    ...base,
    ...(step.timeout ? { startToCloseTimeout: step.timeout as Duration } : {}),
    retry: {
      ...base.retry,
      ...(step.retry?.maxAttempts !== undefined ? { maximumAttempts: step.retry.maxAttempts } : {}),
      ...(step.retry?.initialInterval ? { initialInterval: step.retry.initialInterval as Duration } : {}),
      ...(step.retry?.maxInterval ? { maximumInterval: step.retry.maxInterval as Duration } : {}),
      ...(step.retry?.backoff !== undefined ? { backoffCoefficient: step.retry.backoff } : {}),
    },
  };
}

/** Runs a catalog action in the activity proxy for its kind, with the step's overrides. */
export function runActionActivity(kind: ActionKind, input: RunActionInput, step?: Pick<ResolvedStep, 'retry' | 'timeout'>): Promise<ActionOutcome> {
  if (kind === 'workflow') throw new Error(`action ${input.action} runs in the workflow, not an activity`);
  const { runAction } = proxyActivities<ActionActivities>(optionsFor(kind, step));
  return runAction(input);
}

/** Posts or re-renders an approval's Slack message (a notification: its policy and timeouts). */
export const { showApproval } = proxyActivities<ApprovalChatActivities>(DEFAULTS.notify);

/** A short, safe description of an activity failure for the incident record. */
export function describeFailure(err: unknown): { message: string; type?: string } {
  let e = err as { message?: string; cause?: unknown; type?: string } | undefined;
  // ActivityFailure wraps the ApplicationFailure that carries the real message and type.
  while (e?.cause && typeof e.cause === 'object') e = e.cause;
  return { message: e?.message ?? String(err), ...(e?.type ? { type: e.type } : {}) };
}
