import { allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ReviewNotifyInput } from '../../activities/reviews/notify.js';
import { reviewDecideUpdate, reviewerStateQuery, reviewerWorkflowId, type ReviewDecideRequest, type ReviewerInput, type ReviewerState, type ReviewerSummary } from '../../contracts/reviews.js';
import { reviewLoadReviewer, reviewNotifyReviewer, reviewRecordCompactDecisions, reviewRecordDecisions, reviewRenderMessage } from './activities.js';
import { compactDecisions, expandDecisions } from '../../contracts/review-compact.js';
import { loadItemPages } from './reviewer-items.js';
import { reviewerStatePage, reviewerStatePageQuery } from '../../contracts/reviewer-page.js';
import { WorkflowAudit } from '../audit/append.js';
import { applyDecisions, applySilence, refusalOf, undecided } from './decisions.js';
import { DEFAULT_CONTINUE_AS_NEW_AFTER, historyPastLimit } from '../../contracts/continue-as-new.js';
import { nowIso } from '../../contracts/time.js';
import { appendTimeline } from '../../contracts/timeline.js';

/**
 * One reviewer's part of a campaign (`review-<campaign>--reviewer-<person>`): tells them (Slack,
 * else email) what to review, takes their decisions through the `review.decide` Update (whose
 * validator lets them decide only their own items), reminds them at the configured offsets, at
 * the deadline escalates to their manager (who may then decide too), and after the grace period
 * decides what is left by the campaign's on-silence policy. Records every decision in the review
 * store and returns the counts. Notifications that fail are recorded; the review goes on.
 */
/** Past this many bytes of history after its load, a paged run follows the server's suggestion to continue as new. */
const SUGGESTED_BYTES_AFTER_LOAD = 4 * 1024 * 1024;

export async function reviewerWorkflow(input: ReviewerInput): Promise<ReviewerSummary> {
  const workflowId = reviewerWorkflowId(input.campaignId, input.reviewer);
  const state: ReviewerState = input.carried ?? {
    campaignId: input.campaignId,
    reviewer: input.reviewer,
    phase: 'open',
    openedAt: nowIso(),
    deadline: input.deadline,
    reminderTimes: [...input.remindersMs]
      .sort((a, b) => b - a)
      .map((ms) => Date.parse(input.deadline) - ms)
      .filter((t) => t > Date.now())
      .map((t) => new Date(t).toISOString()),
    items: [],
    decisions: {},
    remindersSent: 0,
    timeline: [],
  };
  // A continued run re-renders once: a render the last run had pending is not lost.
  let dirty = !!input.carried;
  // Items are loaded page by page, and decisions leave the workflow by position (never every item in one payload).
  const paged = patched('reviewer-paged-items');
  // Until a paged run has its items, the decide Update is refused (retry): its validator needs them.
  let itemsReady = !paged || (!!input.carried && !input.carriedDecisions);
  const timeline = (event: string, by?: string) => appendTimeline(state.timeline, event, by);
  const audit = new WorkflowAudit();
  const remaining = () => undecided(state).length;

  setHandler(reviewerStateQuery, () => state);
  // A page of it: the whole state of a large review is over gRPC's 4 MB message (a query adds no history event: no patch needed).
  setHandler(reviewerStatePageQuery, (req) => reviewerStatePage(state, req));
  setHandler(
    reviewDecideUpdate,
    (req) => {
      const applied = applyDecisions(state, req, nowIso());
      timeline(`${applied} decision(s) via ${req.via}`, req.by);
      // The decider is the person the server or the Slack app authenticated.
      audit.append(
        'review.decision',
        `${state.campaignId}/${state.reviewer}`,
        { via: req.via, applied, keepAllUnflagged: !!req.keepAllUnflagged, decisions: (req.decisions ?? []).slice(0, 200), decisionCount: req.decisions?.length ?? 0 },
        req.by,
      );
      dirty = true;
      return { applied, remaining: remaining() };
    },
    {
      validator: (req: ReviewDecideRequest) => {
        if (!itemsReady) throw new Error(`the review of ${state.reviewer}'s items in campaign ${state.campaignId} is still loading its items; try again in a moment`);
        const refusal = refusalOf(state, req);
        if (refusal) throw new Error(refusal);
      },
    },
  );

  const decisionsMap = () => Object.fromEntries(Object.values(state.decisions).map((d) => [d.itemId, d.decision]));
  const decided = () => (paged ? { decisions: {}, compact: compactDecisions(state.items, state.decisions) } : { decisions: decisionsMap() });
  async function tell(kind: ReviewNotifyInput['kind'], n: number): Promise<void> {
    try {
      const res = await reviewNotifyReviewer({
        campaignId: state.campaignId,
        reviewer: state.reviewer,
        workflowId,
        kind,
        n,
        deadline: state.deadline,
        ...decided(),
        ...(state.escalatedTo ? { escalatedTo: state.escalatedTo } : {}),
        ...(state.message ? { message: state.message } : {}),
      });
      if (res.message && !state.message) state.message = res.message;
      const told = [res.slack ? 'Slack' : '', ...res.emailed].filter(Boolean);
      timeline(told.length ? `${kind} sent (${told.join(', ')})` : `${kind}: nobody could be told (no Slack id or email configured for the recipient)`);
    } catch (err) {
      timeline(`${kind} failed: ${(err as Error).message}`);
    }
  }

  /** Re-renders the Slack message after decisions, at most one render at a time. */
  async function renderer(): Promise<void> {
    const closed = () => state.phase === 'closed';
    while (!closed()) {
      await condition(() => dirty || closed());
      if (closed()) return;
      dirty = false;
      if (!state.message) continue;
      try {
        await reviewRenderMessage({
          campaignId: state.campaignId,
          reviewer: state.reviewer,
          workflowId,
          message: state.message,
          ...decided(),
          phase: state.phase,
          deadline: state.deadline,
        });
      } catch (err) {
        timeline(`message update failed: ${(err as Error).message}`);
      }
    }
  }

  let loadedFirst: Awaited<ReturnType<typeof loadItemPages>> | undefined;
  if (paged && input.carried && input.carriedDecisions) {
    state.items = (await loadItemPages(state.campaignId, state.reviewer)).items;
    for (const d of expandDecisions(state.items, input.carriedDecisions)) state.decisions[d.itemId] = d;
  } else if (paged && !input.carried) loadedFirst = await loadItemPages(state.campaignId, state.reviewer);
  itemsReady = true;
  // The limits count what came after loading (events, and bytes for the server's suggestion: 50,000
  // items load about 6 MB), so a continued run never continues again for its load alone.
  const loadedAt = { events: workflowInfo().historyLength, bytes: workflowInfo().historySize };
  const needsContinueAsNew = () => {
    const info = workflowInfo();
    state.maxHistoryLength = Math.max(state.maxHistoryLength ?? 0, info.historyLength);
    if (!paged) return historyPastLimit(input.continueAsNewAfterEvents);
    const events = info.historyLength - loadedAt.events >= (input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER);
    return events || (info.continueAsNewSuggested && info.historySize - loadedAt.bytes > SUGGESTED_BYTES_AFTER_LOAD);
  };

  if (!input.carried) {
    const loaded = loadedFirst ?? (await reviewLoadReviewer({ campaignId: state.campaignId, reviewer: state.reviewer }));
    state.items = loaded.items;
    if (loaded.manager && loaded.manager !== state.reviewer) state.manager = loaded.manager;
    state.unreachable = !loaded.reachable;
    timeline(
      `opened with ${state.items.length} item(s), ${state.items.filter((i) => i.flagged).length} flagged${state.unreachable ? '; no Slack id or email reaches the reviewer: they can decide through the API and CLI only' : ''}`,
    );
    if (state.items.length && !state.unreachable) await tell('assigned', 1);
  }
  const rendering = renderer();

  // Wait for the decisions, the reminders, the deadline and the grace period, from absolute
  // times kept in the state, so a continued run picks up exactly where the last one stopped.
  const settledOr = (ms: number) => condition(() => remaining() === 0 || needsContinueAsNew(), Math.max(1, ms));
  while (remaining() > 0) {
    if (needsContinueAsNew()) {
      await condition(allHandlersFinished);
      if (paged) return continueAsNew<typeof reviewerWorkflow>({ ...input, carried: { ...state, items: [], decisions: {} }, carriedDecisions: compactDecisions(state.items, state.decisions) });
      return continueAsNew<typeof reviewerWorkflow>({ ...input, carried: state });
    }
    const now = Date.now();
    const deadline = Date.parse(state.deadline);
    if (state.phase === 'open') {
      const reminderAt = state.unreachable ? undefined : state.reminderTimes[state.remindersSent];
      if (reminderAt !== undefined) {
        if (now >= Date.parse(reminderAt)) {
          state.remindersSent++;
          await tell('reminder', state.remindersSent);
        } else await settledOr(Date.parse(reminderAt) - now);
        continue;
      }
      if (now < deadline) {
        await settledOr(deadline - now);
        continue;
      }
      if (state.manager) {
        state.phase = 'escalated';
        state.escalatedTo = state.manager;
        timeline(`deadline passed with ${remaining()} item(s) undecided: escalated to ${state.manager}`);
        dirty = true;
        await tell('escalation', 1);
      } else {
        state.phase = 'grace';
        timeline(`deadline passed with ${remaining()} item(s) undecided; no manager to escalate to: grace period`);
      }
      continue;
    }
    const graceEnds = deadline + input.graceMs;
    if (now < graceEnds) {
      await settledOr(graceEnds - now);
      continue;
    }
    break;
  }

  await condition(allHandlersFinished);
  const silent = applySilence(state, input.onSilence, nowIso());
  if (silent.length) timeline(`${silent.length} item(s) decided by the on-silence policy ${input.onSilence}`);
  state.phase = 'closed';
  const decisions = Object.values(state.decisions);
  if (paged) await reviewRecordCompactDecisions({ campaignId: state.campaignId, reviewer: state.reviewer, decisions: compactDecisions(state.items, state.decisions) });
  else await reviewRecordDecisions({ campaignId: state.campaignId, reviewer: state.reviewer, decisions });
  await rendering;
  if (state.message) {
    try {
      await reviewRenderMessage({ campaignId: state.campaignId, reviewer: state.reviewer, workflowId, message: state.message, ...decided(), phase: 'closed', deadline: state.deadline });
    } catch (err) {
      timeline(`message update failed: ${(err as Error).message}`);
    }
  }
  if (state.items.length && !state.unreachable) await tell('closed', 1);
  state.maxHistoryLength = Math.max(state.maxHistoryLength ?? 0, workflowInfo().historyLength);

  const bySilence = decisions.filter((d) => d.via === 'silence');
  return {
    reviewer: state.reviewer,
    items: state.items.length,
    decided: decisions.length - bySilence.length,
    kept: decisions.filter((d) => d.decision === 'keep' && d.via !== 'silence').length,
    revoked: decisions.filter((d) => d.decision === 'revoke' && d.via !== 'silence').length,
    keptOnSilence: bySilence.filter((d) => d.decision === 'keep' && !d.reason?.startsWith('exception:')).length,
    revokedOnSilence: bySilence.filter((d) => d.decision === 'revoke').length,
    exceptionsKept: bySilence.filter((d) => d.reason?.startsWith('exception:')).length,
    escalated: !!state.escalatedTo,
    maxHistoryLength: state.maxHistoryLength,
  };
}
