import { condition, proxyActivities } from '@temporalio/workflow';
import type { WorkflowAudit } from '../audit/append.js';
import type { OffboardingActivities } from '../../activities/offboarding/index.js';
import type { IamUserEntitlements } from '../../activities/ports/iam.js';
import type { OffboardingActivityPolicy, OffboardingItem, OffboardingNotification, OffboardingState } from '../../contracts/offboarding.js';
import { MANUAL, manualInstructions } from './plan.js';
import { settled } from './state.js';
import { describeFailure, runActionActivity } from '../incident/step-runner.js';
import { FailureKind } from '../../contracts/failures.js';

/** Writing the report is evidence, and the directory lookup is a read: their own timeout and retries. */
export const { writeOffboardingReport, findSlackUserId } = proxyActivities<OffboardingActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumAttempts: 5 },
});

export interface Runner {
  readonly state: OffboardingState;
  readonly workflowId: string;
  readonly policy?: OffboardingActivityPolicy;
  now(): string;
  timeline(event: string, by?: string): void;
  /** The audit trail; runs recorded before it have none. */
  readonly audit?: WorkflowAudit;
}

const idempotencyKey = (r: Runner, itemId: string): string => `offboarding-${r.state.personId}:${itemId}`;

function escalated(r: Runner, item: OffboardingItem, error: { message: string; type?: string }): void {
  item.status = 'escalated';
  item.error = error;
  item.escalatedAt = r.now();
  item.finishedAt = r.now();
  r.timeline(`escalated ${item.id}: ${error.message}`);
}

/** Tells security exactly what failed and how to go on; a failed notification is recorded, never fatal. */
async function escalate(r: Runner, item: OffboardingItem): Promise<void> {
  const p = r.state.personId;
  const how =
    item.action === MANUAL
      ? `warden offboard waive ${p} --item ${item.id} --reason TEXT`
      : `warden offboard retry ${p} --item ${item.id}, or: warden offboard waive ${p} --item ${item.id} --reason TEXT`;
  const text =
    `Offboarding of ${r.state.person.name} (${p}) needs an operator.\n` +
    `Credential: ${item.credential}\nAction: ${item.action}\nItem: ${item.id}\n` +
    `Error${item.error?.type ? ` (${item.error.type})` : ''}: ${item.error?.message ?? 'unknown'}\n\n` +
    `The offboarding waits for it (the other revocations go on). Next: ${how}`;
  await notify(r, `escalation:${item.id}:${item.runs}`, `[Warden] Offboarding of ${r.state.person.name}: ${item.id} needs an operator`, text);
}

/**
 * Runs one item until it is settled: its catalog action through the activity for its kind (with
 * that kind's retry policy and backoff), under the idempotency key `offboarding-<person>:<item>`.
 * When the retry budget is spent, the item is escalated to security with the exact error and the
 * run waits here for an operator to retry or waive it: nothing is dropped. Never throws.
 */
export async function runItem(r: Runner, item: OffboardingItem): Promise<void> {
  const { state } = r;
  while (!settled(item)) {
    if (item.status === 'escalated') {
      await condition(() => item.status !== 'escalated');
      continue;
    }
    if (item.action === MANUAL) {
      item.plan = [manualInstructions(item)];
      if (state.dryRun) {
        item.status = 'planned';
        item.finishedAt = r.now();
        return;
      }
      escalated(r, item, { message: manualInstructions(item), type: FailureKind.ManualStep });
      await escalate(r, item);
      continue;
    }
    item.status = 'running';
    item.startedAt = r.now();
    try {
      const kind = item.action === 'aws.listEntitlements' ? 'read' : 'change';
      const input = { action: item.action, params: item.params, incidentId: r.workflowId, stepId: item.id, idempotencyKey: idempotencyKey(r, item.id), dryRun: state.dryRun };
      const out = await runActionActivity(kind, input, { ...(r.policy ? { retry: r.policy } : {}), ...(r.policy?.timeout ? { timeout: r.policy.timeout } : {}) });
      item.runs += 1;
      // A provider that is not configured plans instead of acting: for an offboarding that is a failure, never a success.
      if (out.status === 'planned' && !state.dryRun) {
        escalated(r, item, { message: out.plan.at(-1) ?? 'not applied: the provider is not configured', type: FailureKind.ProviderNotConfigured });
        await escalate(r, item);
        continue;
      }
      const { before, after, ...rest } = out.output;
      Object.assign(item, { outcome: dryRunOutcome(out) ?? out.status, plan: out.plan, before, after, output: rest, status: state.dryRun ? 'planned' : 'done', finishedAt: r.now() });
      delete item.error;
      // A dry run against a provider that is not configured read nothing: it would fail live.
      if (state.dryRun && rest.reason === 'provider-not-configured') item.error = { message: out.plan.at(-1) ?? 'the provider is not configured', type: FailureKind.ProviderNotConfigured };
      if (!state.dryRun && kind === 'change') r.audit?.append('offboarding.revoked', state.personId, { item: item.id, action: item.action, outcome: out.status, before, after });
    } catch (err) {
      item.runs += 1;
      if (state.dryRun) {
        // A dry run reports what would fail now and goes on: nothing waits for an operator.
        Object.assign(item, { status: 'planned', outcome: 'planned', error: describeFailure(err), finishedAt: r.now() });
        return;
      }
      escalated(r, item, describeFailure(err));
      await escalate(r, item);
    }
  }
}

/**
 * A dry run's outcome is `planned`; when the provider read the peer and found nothing to change
 * (the after it reports is the state it read, `observed.after`), it is `already`: nothing to do.
 */
function dryRunOutcome(out: Awaited<ReturnType<typeof runActionActivity>>): 'already' | undefined {
  return out.status === 'planned' && out.observed && 'after' in out.observed ? 'already' : undefined;
}

/** The IAM user's entitlements from a settled inventory item, when it ran. */
export function inventoryOf(item: OffboardingItem): IamUserEntitlements | undefined {
  const users = (item.output as { users?: IamUserEntitlements[] } | undefined)?.users;
  return users?.[0];
}

/** The manager's Slack user id, from the directory now; none without a manager, an id or a directory. Never throws. */
export async function managerSlackUser(r: Runner): Promise<string | undefined> {
  const manager = r.state.person.manager;
  if (!manager) return undefined;
  try {
    return (await findSlackUserId({ personId: manager })).slackUserId;
  } catch (err) {
    r.timeline(`the Slack id of manager ${manager} could not be read: ${describeFailure(err).message}`);
    return undefined;
  }
}

export interface NotifyOptions {
  /** What Slack gets instead of the full text (the report's summary). */
  readonly slackText?: string;
  /** A Slack user id (the manager) who also gets the Slack text as a direct message. */
  readonly slackUser?: string;
}

const slackBody = (subject: string, text: string): string => {
  const body = `${subject}\n${text}`;
  return body.length > 4000 ? `${body.slice(0, 3990)}\n…` : body;
};

/**
 * Sends to the notify list by email, to the Slack channel (threaded per offboarding) and, when
 * given, to a Slack user as a direct message; each under its own idempotency key. Never throws.
 */
export async function notify(r: Runner, purpose: string, subject: string, text: string, opts: NotifyOptions = {}): Promise<void> {
  const { state } = r;
  const key = `offboarding-${state.personId}:${state.runTag}:${purpose}`;
  const slackText = opts.slackText ?? text;
  type Send = { channel: OffboardingNotification['channel']; key: string; action: string; params: Record<string, unknown>; to?: string };
  const sends: Send[] = [];
  if (state.notify.email?.length) sends.push({ channel: 'email', key: 'email', action: 'notify.email', params: { to: [...state.notify.email], subject, text } });
  if (state.notify.slackChannel) sends.push({ channel: 'slack', key: 'slack', action: 'notify.slack', params: { channel: state.notify.slackChannel, text: slackBody(subject, slackText) } });
  if (opts.slackUser) {
    sends.push({ channel: 'slack', key: 'slack-dm', action: 'notify.slack', params: { channel: opts.slackUser, text: slackBody(subject, slackText) }, to: `direct message to ${opts.slackUser}` });
  }
  await Promise.all(
    sends.map(async (s) => {
      const record = (status: OffboardingNotification['status'], detail?: string) => {
        const said = [s.to, detail].filter(Boolean).join(': ');
        state.notifications.push({ purpose, channel: s.channel, status, at: r.now(), ...(said ? { detail: said } : {}) });
      };
      try {
        const out = await runActionActivity('notify', { action: s.action, params: s.params, incidentId: r.workflowId, stepId: purpose, idempotencyKey: `${key}:${s.key}`, dryRun: state.dryRun });
        const status = out.status === 'changed' ? 'sent' : out.status;
        record(status, status === 'planned' ? (out.plan.at(-1) ?? '') : undefined);
      } catch (err) {
        const detail = describeFailure(err).message;
        record('failed', detail);
        r.timeline(`${s.to ?? s.channel} notification "${purpose}" failed: ${detail}`);
      }
    }),
  );
}
