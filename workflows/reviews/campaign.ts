import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { allHandlersFinished, condition, continueAsNew, executeChild, ParentClosePolicy, patched, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import { FINDING_KINDS, type ReviewSystem } from '../../contracts/review-types.js';
import {
  REVIEW_WORKFLOW_PREFIX,
  reviewApproveUpdate,
  reviewCampaignStateQuery,
  reviewShardWorkflowId,
  type CampaignCounts,
  type CampaignState,
  type ReviewApprovalRequest,
  type ReviewCampaignInput,
  type ShardSummary,
} from '../../contracts/reviews.js';
import { offboardingWorkflowId } from '../../contracts/offboarding.js';
import { offboardingWorkflow } from '../offboarding/offboarding.js';
import { reviewAnnounce, reviewCampaignSettings, reviewCollect, reviewCountReviewers, reviewEnforce, reviewEvidencePack, reviewOpenCampaign } from './activities.js';
import { reviewShardWorkflow } from './shard.js';
import { describeFailure } from '../incident/step-runner.js';
import { FailureKind, isFailureKind } from '../../contracts/failures.js';
import { nowIso } from '../../contracts/time.js';
import { appendTimeline } from '../../contracts/timeline.js';

/** Campaigns carry large counts and cursors between batches; they continue later than the other workflows. */
const CAMPAIGN_CONTINUE_AS_NEW_AFTER = 5_000;
const DEFAULT_SHARD_SIZE = 500;
/** Reviewers whose revocations one enforcement activity carries out. */
const ENFORCE_PAGE = 200;
/** Campaigns that open their manifest in the review store, and fail when review data is missing from it. */
const STORE_MANIFEST_PATCH = 'review-store-manifest';

const zeroCounts = (): CampaignCounts => ({
  entitlements: 0,
  flagged: 0,
  findings: Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as CampaignCounts['findings'],
  reviewers: 0,
  decided: 0,
  kept: 0,
  revoked: 0,
  keptOnSilence: 0,
  revokedOnSilence: 0,
  exceptionsKept: 0,
  enforced: 0,
  alreadyRevoked: 0,
  enforcementFailed: 0,
  offboardingsStarted: 0,
});

/**
 * One access-review campaign (`review-<id>`), started by the quarterly Schedule or on demand:
 *
 * 1. collect every configured system's entitlements in batches (activities that normalize,
 *    evaluate against the access matrix, assign reviewers and write the review store: the items
 *    never enter this history, only counts and cursors);
 * 2. fan out one reviewer workflow per reviewer, through shard workflows of 500;
 * 3. after the reviews close, wait for the campaign's approval when the settings ask for one;
 * 4. enforce the revocations through the provider actions, routing orphaned accounts to
 *    offboarding when configured;
 * 5. write the evidence pack (CSV, JSON, HTML), store it and send it to compliance.
 *
 * A dry run collects, evaluates and assigns, then writes the evidence pack of what a review
 * would ask: no reviewer is contacted and nothing is revoked. The state (query `review.state`)
 * carries over continue-as-new, which keeps the history under about 5,000 events.
 */
export async function reviewCampaignWorkflow(input: ReviewCampaignInput): Promise<CampaignState> {
  const info = workflowInfo();
  const state: CampaignState = input.carried ?? {
    campaignId: input.campaignId ?? info.workflowId.replace(REVIEW_WORKFLOW_PREFIX, ''),
    firstRunId: info.firstExecutionRunId,
    phase: 'collecting',
    dryRun: input.dryRun,
    requestedBy: input.requestedBy,
    scope: [],
    startedAt: nowIso(),
    counts: zeroCounts(),
    sources: {},
    shards: { total: 0, done: 0 },
    enforcedReviewers: 0,
    evidence: [],
    maxHistoryLength: 0,
    timeline: [],
  };
  const timeline = (event: string, by?: string) => appendTimeline(state.timeline, event, by);
  const canAfter = input.limits?.continueAsNewAfterEvents ?? CAMPAIGN_CONTINUE_AS_NEW_AFTER;
  const checkpoint = (): boolean => {
    const length = workflowInfo().historyLength;
    state.maxHistoryLength = Math.max(state.maxHistoryLength, length);
    return length >= canAfter || workflowInfo().continueAsNewSuggested;
  };
  const carryOver = async (): Promise<never> => {
    await condition(allHandlersFinished);
    return continueAsNew<typeof reviewCampaignWorkflow>({ ...input, carried: state });
  };

  setHandler(reviewCampaignStateQuery, () => state);
  setHandler(
    reviewApproveUpdate,
    (req) => {
      const approval = state.approval;
      if (!approval) throw new Error('no approval is pending');
      approval.decision = { approved: req.approve, by: req.by, at: nowIso(), ...(req.reason ? { reason: req.reason } : {}) };
      timeline(`revocations ${req.approve ? 'approved' : 'rejected'}`, req.by);
      return approval;
    },
    {
      validator: (req: ReviewApprovalRequest) => {
        if (!state.approval) throw new Error(`campaign ${state.campaignId} does not need an approval (no approval group is configured)`);
        if (state.approval.decision) throw new Error(`the revocations were already ${state.approval.decision.approved ? 'approved' : 'rejected'} by ${state.approval.decision.by}`);
        if (state.phase !== 'awaiting-approval') throw new Error(`campaign ${state.campaignId} is ${state.phase}: the approval opens once every review has closed`);
        if (!req.groups.includes(state.approval.group)) throw new Error(`${req.by} is not in group ${state.approval.group}, which approves this campaign's revocations`);
      },
    },
  );

  const settings = await reviewCampaignSettings();
  if (!input.carried) {
    const requested = input.scope ?? [...settings.systems, ...(input.synthetic ? ['synthetic' as const] : [])];
    state.scope = requested.filter((s) => s === 'synthetic' || settings.systems.includes(s));
    state.timing = { ...settings.timing, ...input.timing };
    state.onSilence = settings.onSilence;
    if (settings.approvalGroup) state.approval = { group: settings.approvalGroup };
    const skipped = requested.filter((s) => !state.scope.includes(s));
    timeline(
      `campaign started (${state.dryRun ? 'dry run' : 'live'}) over ${state.scope.join(', ') || 'nothing'}${skipped.length ? `; not configured: ${skipped.join(', ')}` : ''}`,
      state.requestedBy,
    );
    for (const system of state.scope) state.sources[system] = { done: false, batches: 0 };
    // The campaign's manifest in the review store: a store without it does not hold the campaign.
    if (patched(STORE_MANIFEST_PATCH)) await reviewOpenCampaign({ campaignId: state.campaignId, scope: state.scope });
  }

  // 1. Collect: one batch of every unfinished system at a time, in parallel across systems.
  while (state.phase === 'collecting') {
    const pending = state.scope.filter((s) => !state.sources[s]?.done);
    if (!pending.length) break;
    if (checkpoint()) await carryOver();
    await Promise.all(pending.map((system) => collectOne(system)));
  }

  async function collectOne(system: ReviewSystem): Promise<void> {
    const source = state.sources[system] ?? { done: false, batches: 0 };
    const res = await reviewCollect({
      campaignId: state.campaignId,
      system,
      batch: source.batches,
      asOf: state.startedAt,
      ...(source.cursor !== undefined ? { cursor: source.cursor } : {}),
      ...(input.synthetic ? { synthetic: input.synthetic } : {}),
    });
    source.batches++;
    if (res.nextCursor !== undefined) source.cursor = res.nextCursor;
    else source.done = true;
    state.sources[system] = source;
    state.counts.entitlements += res.items;
    state.counts.flagged += res.flagged;
    for (const k of FINDING_KINDS) state.counts.findings[k] += res.findings[k];
  }

  // 2. Review: shards of reviewers, each reviewer in a workflow of their own.
  if (state.phase === 'collecting') {
    state.counts.reviewers = await reviewCountReviewers({ campaignId: state.campaignId });
    timeline(`collected ${state.counts.entitlements} entitlement(s), ${state.counts.flagged} flagged, for ${state.counts.reviewers} reviewer(s)`);
    state.phase = state.dryRun ? 'reporting' : 'reviewing';
  }
  if (state.phase === 'reviewing') {
    const timing = state.timing ?? settings.timing;
    state.deadline ??= new Date(Date.now() + timing.deadlineMs).toISOString();
    const shardSize = input.limits?.shardSize ?? DEFAULT_SHARD_SIZE;
    state.shards.total = Math.ceil(state.counts.reviewers / shardSize);
    const reviewer = {
      campaignId: state.campaignId,
      dryRun: state.dryRun,
      deadline: state.deadline,
      graceMs: timing.graceMs,
      remindersMs: timing.remindersMs,
      onSilence: state.onSilence ?? settings.onSilence,
      ...(input.limits?.reviewerContinueAsNewAfterEvents ? { continueAsNewAfterEvents: input.limits.reviewerContinueAsNewAfterEvents } : {}),
    };
    const summaries: ShardSummary[] = await Promise.all(
      Array.from({ length: state.shards.total }, async (_, n) => {
        const summary = await executeChild(reviewShardWorkflow, {
          workflowId: reviewShardWorkflowId(state.campaignId, n),
          args: [{ campaignId: state.campaignId, offset: n * shardSize, limit: shardSize, reviewer }],
        });
        state.shards.done++;
        return summary;
      }),
    );
    for (const s of summaries) {
      state.counts.decided += s.decided;
      state.counts.kept += s.kept;
      state.counts.revoked += s.revoked;
      state.counts.keptOnSilence += s.keptOnSilence;
      state.counts.revokedOnSilence += s.revokedOnSilence;
      state.counts.exceptionsKept += s.exceptionsKept;
      state.maxHistoryLength = Math.max(state.maxHistoryLength, s.maxHistoryLength);
      if (s.failed) {
        const failed = (state.failedReviewers ??= { count: 0, examples: [] });
        failed.count += s.failed.count;
        failed.examples.push(...s.failed.examples.slice(0, Math.max(0, 20 - failed.examples.length)));
      }
    }
    if (state.failedReviewers)
      timeline(`${state.failedReviewers.count} reviewer workflow(s) failed; their items have no decision: ${state.failedReviewers.examples.map((f) => `${f.reviewer} (${f.error})`).join('; ')}`);
    const items = summaries.reduce((n, s) => n + s.items, 0);
    state.completionRate = items ? state.counts.decided / items : 1;
    state.closedAt = nowIso();
    const escalated = summaries.reduce((n, s) => n + s.escalated, 0);
    timeline(
      `reviews closed: ${state.counts.decided} of ${items} decided by reviewers, ${escalated} reviewer(s) escalated; ${state.counts.revoked + state.counts.revokedOnSilence} to revoke (${state.counts.revokedOnSilence} on silence)`,
    );
    const toRevoke = state.counts.revoked + state.counts.revokedOnSilence;
    state.phase = state.approval && toRevoke > 0 ? 'awaiting-approval' : 'enforcing';
    if (state.approval && toRevoke === 0) timeline('nothing to revoke: no approval needed');
  }

  // 3. The campaign's one approval of its revocations.
  if (state.phase === 'awaiting-approval') {
    const group = state.approval?.group ?? '';
    const toRevoke = state.counts.revoked + state.counts.revokedOnSilence;
    const told = await reviewAnnounce({
      campaignId: state.campaignId,
      kind: 'approval-needed',
      subject: `[Warden] Access review ${state.campaignId}: ${toRevoke} revocation(s) wait for approval`,
      text:
        `The reviews of campaign ${state.campaignId} are closed: ${state.counts.revoked} item(s) revoked by reviewers and ${state.counts.revokedOnSilence} on silence.\n` +
        `Nothing is revoked until a member of ${group} approves:\n  warden review approve ${state.campaignId} [--reject] --reason TEXT\n  POST /v1/reviews/${state.campaignId}/approval { "approve": true|false, "reason": "…" }\n` +
        `Details: warden review status ${state.campaignId}`,
    }).catch((err: unknown) => [`(failed: ${(err as Error).message})`]);
    timeline(`waiting for a member of ${group} to approve the revocations; told ${told.length ? told.join(', ') : 'nobody (no compliance email or Slack channel configured)'}`);
    await condition(() => !!state.approval?.decision);
    state.phase = state.approval?.decision?.approved ? 'enforcing' : 'reporting';
  }

  // 4. Enforce, a page of reviewers per activity; orphans go to offboarding.
  while (state.phase === 'enforcing' && state.enforcedReviewers < state.counts.reviewers) {
    if (checkpoint()) await carryOver();
    const res = await reviewEnforce({ campaignId: state.campaignId, dryRun: state.dryRun, offset: state.enforcedReviewers, limit: ENFORCE_PAGE, offboardOrphans: settings.offboardOrphans });
    state.counts.enforced += res.enforced;
    state.counts.alreadyRevoked += res.already;
    state.counts.enforcementFailed += res.failed;
    for (const person of res.orphans) {
      try {
        await startChild(offboardingWorkflow, {
          workflowId: offboardingWorkflowId(person.id),
          parentClosePolicy: ParentClosePolicy.ABANDON,
          args: [{ personId: person.id, person, reason: `orphaned account revoked by access review ${state.campaignId}`, requestedBy: `review:${state.campaignId}`, dryRun: false, notify: {} }],
        });
        state.counts.offboardingsStarted++;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
    state.enforcedReviewers += ENFORCE_PAGE;
    if (res.reviewers < ENFORCE_PAGE) break;
  }
  if (state.phase === 'enforcing') {
    timeline(
      `enforcement: ${state.counts.enforced} revoked, ${state.counts.alreadyRevoked} already gone, ${state.counts.enforcementFailed} failed, ${state.counts.offboardingsStarted} offboarding(s) started`,
    );
    state.phase = 'reporting';
  }

  // 5. The evidence pack.
  state.closedAt ??= nowIso();
  checkpoint();
  try {
    state.evidence = await reviewEvidencePack({ campaignId: state.campaignId, state });
    timeline(`evidence pack written: ${state.evidence.map((e) => e.name).join(', ')}`);
  } catch (err) {
    // Review data missing from the store fails the campaign: a pack without it would be incomplete.
    if (isFailureKind(err, FailureKind.ReviewDataMissing) && patched(STORE_MANIFEST_PATCH)) throw err;
    // Retryable failures are retried by the activity policy; one that is not (no evidence store,
    // a conflicting earlier pack) is recorded: the decisions and enforcement stay in the store.
    state.evidenceError = describeFailure(err).message;
    timeline(`evidence pack failed: ${state.evidenceError}`);
  }
  state.phase = 'done';
  checkpoint();
  await condition(allHandlersFinished);
  return state;
}
