import { condition, makeContinueAsNewFunc, patched, upsertMemo, workflowInfo } from '@temporalio/workflow';
import { endWhenSettled, WorkflowAudit } from '../audit/append.js';
import type { AwsAccountUser } from '../../contracts/directory.js';
import { offboardingWorkflowId, WARDEN_ACCESS_REVOKED_MEMO, type OffboardingInput, type OffboardingItem, type OffboardingState, type WardenAccessRevoked } from '../../contracts/offboarding.js';
import { registerOffboardingHandlers } from './handlers.js';
import { awsInventoryItem, awsRetentionItems, awsRevocationItems, githubItems, inSecondWave, mlflowItems, wardenAccessItem } from './plan.js';
import { inventoryOf, managerSlackUser, notify, runItem, writeOffboardingReport, type Runner } from './runner.js';
import { addItems, initialOffboardingState, withProgress } from './state.js';
import { retentionText, tally, verdictText } from '../../contracts/offboarding-view.js';
import { describeFailure } from '../incident/step-runner.js';
import { ContinueAsNewNeeded, historyPastLimit } from '../../contracts/continue-as-new.js';
import { nowIso } from '../../contracts/time.js';
import { appendTimeline } from '../../contracts/timeline.js';
import { failure, FailureKind } from '../../contracts/failures.js';

const DAY_MS = 86_400_000;
/** Offboardings that started before MLflow permissions were revoked by an action keep their manual item. */
const MLFLOW_REVOKE_PATCH = 'offboarding-mlflow-revoke';
/** Offboardings that reported before the manager got a Slack direct message replay without it. */
const MANAGER_DM_PATCH = 'offboarding-manager-dm';
/** Offboardings that waited for their effective time before it could be brought forward wait on one timer. */
const RESCHEDULE_PATCH = 'offboarding-reschedule';
/** Offboardings that revoked before the leaver's own Warden access was revoked first replay without it. */
const WARDEN_ACCESS_PATCH = 'offboarding-warden-access';
/** Offboardings that revoked one item after another within a provider replay that way. */
const WAVES_PATCH = 'offboarding-revoke-in-waves';

/**
 * Offboards one person (`offboarding-<person>`): waits for the effective time on a durable timer
 * (cancellable), revokes every credential at every provider in parallel (AWS IAM, GitHub, MLflow;
 * within each, in two waves of revocations run at once), sends the report to the manager and security, and after
 * the retention period deletes the IAM users unless a legal hold is set.
 *
 * Side effects happen only in activities: each revocation is a catalog action, idempotent under
 * `offboarding-<person>:<item>`, so a replay, a retry or a worker crash never acts twice. A provider
 * that fails never stops the others; an item that fails after its retry budget is escalated to
 * security with the exact error and waits for an operator's retry or waiver, never dropped.
 * Continue-as-new carries the whole state over while it waits out the retention.
 */
export async function offboardingWorkflow(input: OffboardingInput): Promise<OffboardingState> {
  // A time that does not parse must never mean "now": refuse the input instead.
  if (input.effectiveAt !== undefined && Number.isNaN(Date.parse(input.effectiveAt))) {
    throw failure(FailureKind.InvalidOffboardingInput, `effectiveAt "${input.effectiveAt}" is not an ISO 8601 time`);
  }
  if (input.retentionDays !== undefined && !(input.retentionDays >= 0)) {
    throw failure(FailureKind.InvalidOffboardingInput, `retentionDays must be 0 or more, got ${input.retentionDays}`);
  }
  const state = initialOffboardingState(input, nowIso(), workflowInfo().firstExecutionRunId);
  const shouldContinueAsNew = (): boolean => historyPastLimit(input.limits?.continueAsNewAfterEvents);
  const r: Runner = {
    state,
    workflowId: offboardingWorkflowId(state.personId),
    ...(input.policy ? { policy: input.policy } : {}),
    now: nowIso,
    timeline: (event, by) => appendTimeline(state.timeline, event, by),
    audit: new WorkflowAudit(),
  };
  registerOffboardingHandlers(state, nowIso, input.decisionKey ? { key: input.decisionKey, workflowId: r.workflowId } : undefined);
  const who = `${state.person.name} (${state.personId})`;

  /** Waits for the effective time (if any), then for the second person's approval (if needed). */
  async function waitForEffectiveTime(): Promise<void> {
    if (state.times.effectiveAt !== undefined && (!state.approval || Date.parse(state.times.effectiveAt) > Date.now())) {
      r.timeline(`waiting until ${state.times.effectiveAt}`);
      if (patched(RESCHEDULE_PATCH)) {
        // A reschedule (offboarding.reschedule) wakes the wait, which then waits for the new time.
        let at: string | undefined;
        while (!state.cancel && at !== state.times.effectiveAt) {
          at = state.times.effectiveAt!;
          const waitingFor = at;
          await condition(() => !!state.cancel || state.times.effectiveAt !== waitingFor, Math.max(1, Date.parse(at) - Date.now()));
        }
      } else {
        await condition(() => !!state.cancel, Math.max(1, Date.parse(state.times.effectiveAt) - Date.now()));
      }
    }
    if (state.approval && !state.cancel && !state.approval.approved) {
      r.timeline('waiting for a second person to approve (neither the requester nor the subject)');
      await condition(() => !!state.cancel || !!state.approval?.approved);
    }
    if (state.cancel) return;
    state.phase = 'revoking';
  }

  /** One AWS IAM user: the inventory (for the access keys), then the revocations. */
  async function revokeAwsUser(u: AwsAccountUser): Promise<void> {
    const [inventory] = addItems(state, [awsInventoryItem(u)]);
    await runItem(r, inventory!);
    await revoke(addItems(state, awsRevocationItems(u, inventoryOf(inventory!))));
  }

  async function revokeSequentially(items: OffboardingItem[]): Promise<void> {
    for (const item of items) await runItem(r, item);
  }

  /**
   * One provider's revocations: in two waves, each all at once (the second: `inSecondWave`), so a
   * person's dozen credentials cost two round trips, not a dozen. Histories from before run them
   * one after another, in the plan's order.
   */
  async function revoke(items: OffboardingItem[]): Promise<void> {
    if (!patched(WAVES_PATCH)) return revokeSequentially(items);
    await Promise.all(items.filter((i) => !inSecondWave(i)).map((i) => runItem(r, i)));
    await Promise.all(items.filter(inSecondWave).map((i) => runItem(r, i)));
  }

  /** First of all: the leaver's Warden access, through the memo the API's auth reads (not in a dry run). */
  function revokeWardenAccess(): void {
    const [item] = addItems(state, [wardenAccessItem(state.person)]);
    if (!item || item.status !== 'pending') return;
    const at = nowIso();
    Object.assign(item, { startedAt: at, finishedAt: at, runs: 1 });
    if (state.dryRun) {
      Object.assign(item, { status: 'planned', outcome: 'planned', plan: [`refuse the Warden API tokens of ${state.personId} <${state.person.email}>`] });
      return;
    }
    const revoked: WardenAccessRevoked = { person: state.personId, email: state.person.email, at };
    upsertMemo({ [WARDEN_ACCESS_REVOKED_MEMO]: revoked });
    Object.assign(item, { status: 'done', outcome: 'changed', after: revoked });
    r.audit?.append('offboarding.revoked', state.personId, { item: item.id, action: 'warden.revokeAccess', outcome: 'changed', after: revoked });
    r.timeline(`Warden access revoked: the API refuses ${state.personId}'s tokens`);
  }

  /** Every provider in its own branch: one provider's trouble never holds up another's revocations. */
  async function revokeAll(): Promise<void> {
    state.times.revocationStartedAt ??= nowIso();
    if (patched(WARDEN_ACCESS_PATCH)) revokeWardenAccess();
    const branches = [
      ...state.person.aws.map((u) => () => revokeAwsUser(u)),
      () => revoke(addItems(state, githubItems(state.person))),
      () => revoke(addItems(state, mlflowItems(state.person, patched(MLFLOW_REVOKE_PATCH)))),
    ];
    const results = await Promise.allSettled(branches.map((b) => b()));
    for (const res of results) if (res.status === 'rejected') r.timeline(`a revocation branch stopped: ${describeFailure(res.reason).message}`);
    state.times.revokedAt = nowIso();
    r.timeline(`revocation finished: ${tally(state.items.filter((i) => i.stage === 'revoke'))}`);
    state.phase = 'notifying';
  }

  /** Renders the report into the evidence store (write-once); a failure is recorded and told, not fatal. */
  async function storeReport(stage: 'revocation' | 'final'): Promise<{ where: string; markdown?: string }> {
    const generatedAt = nowIso();
    try {
      const stored = await writeOffboardingReport({ state: withProgress(state), stage, generatedAt });
      state.reports.push({ stage, generatedAt, json: stored.json, markdown: stored.markdown });
      return { where: `Report: ${stored.markdown.uri} (JSON: ${stored.json.uri})`, markdown: stored.text };
    } catch (err) {
      const message = describeFailure(err).message;
      r.timeline(`the ${stage} report could not be stored: ${message}`);
      return { where: `The report could not be stored in the evidence store: ${message}` };
    }
  }

  /**
   * Sends the report to the manager and security: by email (in full), and the summary to the
   * Slack channel and as a direct message to the manager (their Slack id from the directory).
   */
  async function notifyReport(): Promise<void> {
    const report = await storeReport('revocation');
    const slackUser = patched(MANAGER_DM_PATCH) ? await managerSlackUser(r) : undefined;
    const summary = `Offboarding of ${who}${state.dryRun ? ' (dry run: nothing changed)' : ''}: ${tally(state.items)}. ${report.where}`;
    const body = report.markdown ?? `Reason: ${state.reason}\nRequested by: ${state.requestedBy}\n\n${renderItemsText(state.items)}`;
    await notify(r, 'report', `[Warden] Offboarding of ${state.person.name}${state.dryRun ? ' (dry run)' : ''}: report`, `${summary}\n\n${body}`, {
      slackText: summary,
      ...(slackUser ? { slackUser } : {}),
    });
    state.times.notifiedAt = nowIso();
    state.phase = 'retention';
  }

  /** Waits for `until` (or the timeout); throws to continue-as-new when the history has grown long. */
  async function waitFor(until: () => boolean, timeoutMs?: number): Promise<void> {
    const done = () => until() || shouldContinueAsNew();
    await (timeoutMs === undefined ? condition(done) : condition(done, timeoutMs));
    if (!until() && shouldContinueAsNew()) throw new ContinueAsNewNeeded(`history at ${workflowInfo().historyLength} events`);
  }

  /** Waits out the retention period (and any legal hold), then deletes the IAM users. */
  async function retention(): Promise<void> {
    const users = state.person.aws;
    if (users.length === 0) {
      state.retention.status = 'not-applicable';
      return;
    }
    // A dry run works out the time too, and says it would wait until then.
    state.retention.dueAt ??= new Date(Date.parse(state.times.notifiedAt ?? nowIso()) + state.retentionDays * DAY_MS).toISOString();
    if (!state.dryRun) {
      const due = Date.parse(state.retention.dueAt);
      while (Date.now() < due) {
        state.retention.status = 'waiting';
        await waitFor(() => false, due - Date.now());
      }
      if (state.legalHold.active) {
        state.retention.status = 'held';
        r.timeline('retention period over; the IAM users are kept while the legal hold lasts');
        await waitFor(() => !state.legalHold.active);
      }
    }
    state.retention.status = state.dryRun ? 'planned' : 'deleting';
    await Promise.allSettled(users.map((u) => revokeSequentially(addItems(state, awsRetentionItems(u)))));
    const deletions = state.items.filter((i) => i.action === 'aws.deleteUser');
    state.retention.status = state.dryRun ? 'planned' : deletions.every((i) => i.status === 'done') ? 'deleted' : 'waived';
    if (state.dryRun) {
      r.timeline(`retention: ${retentionText(state)}: ${tally(deletions)}`);
      return;
    }
    state.retention.finishedAt = nowIso();
    const { where } = await storeReport('final');
    await notify(r, 'retention', `[Warden] Offboarding of ${state.person.name}: IAM users ${state.retention.status}`, `${renderItemsText(deletions)}\n\n${where}`);
  }

  try {
    if (state.phase === 'scheduled') await waitForEffectiveTime();
    if (state.cancel) {
      state.phase = 'cancelled';
      state.retention.status = 'cancelled';
      await notify(r, 'cancelled', `[Warden] Offboarding of ${state.person.name} cancelled`, `Cancelled by ${state.cancel.by} before it took effect: ${state.cancel.reason}`);
    } else {
      if (state.phase === 'revoking') await revokeAll();
      if (state.phase === 'notifying') await notifyReport();
      if (state.phase === 'retention') await retention();
      state.phase = 'done';
    }
    state.times.completedAt = nowIso();
  } catch (err) {
    if (!(err instanceof ContinueAsNewNeeded)) throw err;
    await endWhenSettled(r.audit);
    r.timeline(`continued as new (${err.message})`);
    // The memo (the Warden access revocation) goes on with the state.
    return makeContinueAsNewFunc<typeof offboardingWorkflow>({ memo: workflowInfo().memo ?? {} })({ ...input, carried: state });
  }
  await endWhenSettled(r.audit);
  return withProgress(state);
}

/** One line per item for a plain-text notification. */
function renderItemsText(items: readonly OffboardingItem[]): string {
  return items.map((i) => `- ${i.credential} [${i.action}]: ${verdictText(i)}`).join('\n');
}
