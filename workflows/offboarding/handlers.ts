import { setHandler } from '@temporalio/workflow';
import {
  offboardingApproveUpdate,
  offboardingCancelUpdate,
  offboardingLegalHoldUpdate,
  offboardingRescheduleUpdate,
  offboardingRetryUpdate,
  offboardingStateQuery,
  offboardingWaiveUpdate,
  type LegalHoldRequest,
  type OffboardingApproveRequest,
  type OffboardingRescheduleRequest,
  type OffboardingCancelRequest,
  type OffboardingRetryRequest,
  type OffboardingState,
  type OffboardingWaiveRequest,
} from '../../contracts/offboarding.js';
import { offboardingApprovalProblem } from '../../contracts/approval-proof.js';
import { MANUAL } from './plan.js';
import { withProgress } from './state.js';

const LATE_FOR_HOLD = new Set(['deleting', 'deleted', 'waived', 'planned', 'not-applicable', 'cancelled']);

const needs = (ok: unknown, message: string): void => {
  if (!ok) throw new Error(message);
};

/** The validators: synchronous, they refuse (with a reason the caller shows) what must not happen. */
export const validate = {
  cancel(state: OffboardingState, req: OffboardingCancelRequest): void {
    needs(req?.by && req.reason?.trim(), 'cancel needs "by" and a "reason"');
    needs(state.phase === 'scheduled', `too late to cancel: the offboarding is ${state.phase} (cancel is possible only while it waits for its effective time)`);
  },
  retry(state: OffboardingState, req: OffboardingRetryRequest): void {
    needs(req?.by, 'retry needs "by"');
    if (req.item === undefined) {
      needs(
        state.items.some((i) => i.status === 'escalated' && i.action !== MANUAL),
        'nothing to retry: no item is escalated (manual items are waived, not retried)',
      );
      return;
    }
    const item = state.items.find((i) => i.id === req.item);
    needs(item, `item "${req.item}" does not exist`);
    needs(item?.status === 'escalated', `item "${req.item}" is ${item?.status}, not escalated: only escalated items are retried`);
    needs(item?.action !== MANUAL, `item "${req.item}" is done by a person: waive it once it is done`);
  },
  waive(state: OffboardingState, req: OffboardingWaiveRequest): void {
    needs(req?.by && req.reason?.trim(), 'a waiver needs "by" and a "reason"');
    const item = state.items.find((i) => i.id === req.item);
    needs(item, `item "${req.item}" does not exist`);
    needs(item?.status === 'escalated', `item "${req.item}" is ${item?.status}, not escalated: only escalated items are waived`);
  },
  /** With a proof (the offboarding carries the server's key), only an approval the server signed for it, within 5 minutes. */
  approve(state: OffboardingState, req: OffboardingApproveRequest, proof?: ApprovalProof, nowMs = Date.now()): void {
    needs(req?.by, 'an approval needs "by"');
    const forged = proof && offboardingApprovalProblem(proof.key, proof.workflowId, req, nowMs);
    if (forged) throw new Error(forged);
    needs(state.approval, 'this offboarding needs no approval (a dry run, or its requester may act alone)');
    needs(!state.approval?.approved, `already approved by ${state.approval?.approved?.by}`);
    needs(state.phase === 'scheduled' && !state.cancel, `the offboarding is ${state.cancel ? 'cancelled' : state.phase}`);
    needs(req.by !== state.requestedBy, `${req.by} may not approve an offboarding they requested: a second person approves`);
    needs(req.by !== state.personId && req.person !== state.personId, `${req.by} may not approve their own offboarding`);
  },
  reschedule(state: OffboardingState, req: OffboardingRescheduleRequest): void {
    needs(req?.by && typeof req.effectiveAt === 'string' && !Number.isNaN(Date.parse(req.effectiveAt)), 'a reschedule needs "by" and an ISO 8601 "effectiveAt"');
    needs(state.phase === 'scheduled' && !state.cancel && state.times.effectiveAt, `the offboarding is not waiting for an effective time (${state.cancel ? 'cancelled' : state.phase})`);
    needs(Date.parse(req.effectiveAt) < Date.parse(state.times.effectiveAt ?? ''), `an offboarding is brought earlier, never later: it is scheduled for ${state.times.effectiveAt}`);
  },
  legalHold(state: OffboardingState, req: LegalHoldRequest): void {
    needs(req?.by && req.reason?.trim() && typeof req.hold === 'boolean', 'a legal hold change needs "hold" (true or false), "by" and a "reason"');
    needs(state.phase !== 'done' && state.phase !== 'cancelled', `the offboarding is ${state.phase}`);
    needs(!LATE_FOR_HOLD.has(state.retention.status), `too late: the retention is ${state.retention.status}`);
    const last = state.legalHold.changes.at(-1);
    needs(req.hold !== state.legalHold.active, req.hold ? `the legal hold is already set (by ${last?.by}: ${last?.reason})` : 'no legal hold is set');
  },
};

/** The server's public key and the workflow an approval must be signed for. */
export interface ApprovalProof {
  readonly key: string;
  readonly workflowId: string;
}

/**
 * Registers the query and the Updates. Each handler records who did what, and when, in the
 * state and its timeline; the workflow's waits see the change at once.
 */
export function registerOffboardingHandlers(state: OffboardingState, now: () => string, proof?: ApprovalProof): void {
  const timeline = (event: string, by: string): void => {
    state.timeline.push({ at: now(), event, by });
  };
  setHandler(offboardingStateQuery, () => withProgress(state));
  setHandler(
    offboardingCancelUpdate,
    (req) => {
      state.cancel = { by: req.by, reason: req.reason, at: now() };
      timeline(`cancel requested: ${req.reason}`, req.by);
      return state.phase;
    },
    { validator: (req: OffboardingCancelRequest) => validate.cancel(state, req) },
  );
  setHandler(
    offboardingRetryUpdate,
    (req) => {
      const items = state.items.filter((i) => i.status === 'escalated' && i.action !== MANUAL && (req.item === undefined || i.id === req.item));
      for (const item of items) {
        item.status = 'retrying';
        item.retries.push({ by: req.by, at: now() });
      }
      timeline(`retry requested for ${items.map((i) => i.id).join(', ')}`, req.by);
      return items.map((i) => i.id);
    },
    { validator: (req: OffboardingRetryRequest) => validate.retry(state, req) },
  );
  setHandler(
    offboardingWaiveUpdate,
    (req) => {
      const item = state.items.find((i) => i.id === req.item)!;
      item.status = 'waived';
      item.waiver = { by: req.by, reason: req.reason, at: now() };
      timeline(`waived ${item.id}: ${req.reason}`, req.by);
      return item;
    },
    { validator: (req: OffboardingWaiveRequest) => validate.waive(state, req) },
  );
  setHandler(
    offboardingApproveUpdate,
    (req) => {
      const approval = state.approval!;
      approval.approved = { by: req.by, at: now(), ...(req.reason ? { reason: req.reason } : {}) };
      timeline(`approved${req.reason ? `: ${req.reason}` : ''}`, req.by);
      return approval;
    },
    { validator: (req: OffboardingApproveRequest) => validate.approve(state, req, proof) },
  );
  setHandler(
    offboardingRescheduleUpdate,
    (req) => {
      timeline(`effective time brought forward from ${state.times.effectiveAt} to ${req.effectiveAt}`, req.by);
      state.times.effectiveAt = req.effectiveAt;
      return req.effectiveAt;
    },
    { validator: (req: OffboardingRescheduleRequest) => validate.reschedule(state, req) },
  );
  setHandler(
    offboardingLegalHoldUpdate,
    (req) => {
      state.legalHold.active = req.hold;
      state.legalHold.changes.push({ hold: req.hold, by: req.by, reason: req.reason, at: now() });
      timeline(`legal hold ${req.hold ? 'set' : 'lifted'}: ${req.reason}`, req.by);
      return state.legalHold;
    },
    { validator: (req: LegalHoldRequest) => validate.legalHold(state, req) },
  );
}
