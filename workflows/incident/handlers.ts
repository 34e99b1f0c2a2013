/** The incident's query, alert signal and Updates (approve, cancel, note, severity): each a small function over the run's state. */
import { patched, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  alertSignal,
  approvalUpdate,
  cancelUpdate,
  incidentStateQuery,
  noteUpdate,
  severityUpdate,
  type Alert,
  type ApprovalDecision,
  type ApprovalRecord,
  type CancelRequest,
  type IncidentState,
  type NoteRequest,
  type SeverityChange,
} from '../../contracts/incident.js';
import { nowIso } from '../../contracts/time.js';
import { noteProblem, OVER_STATUSES } from '../../contracts/incident-notes.js';
import { applyDecision, validateDecision, type DecisionProof } from './approval.js';
import type { IncidentRun } from './run.js';
import { onFollowUp } from './follow-ups.js';
import { markHumanAction, recordAlert } from './state.js';

export function setIncidentHandlers(run: IncidentRun): void {
  setHandler(incidentStateQuery, () => run.state);
  setHandler(alertSignal, (alert) => onAlert(run, alert));
  setHandler(approvalUpdate, (decision) => onDecision(run, decision), {
    validator: (decision: ApprovalDecision) => validateDecision(run.state, (id) => run.approvalSpecOf(id), decision, Date.now(), decisionProof(run)),
  });
  setHandler(cancelUpdate, (req) => onCancel(run, req), { validator: (req: CancelRequest) => validateCancel(run.state, req) });
  setHandler(noteUpdate, (req) => onNote(run, req), { validator: validateNote });
  setHandler(severityUpdate, (req) => onSeverity(run, req), { validator: validateSeverityChange });
}

/** Incidents started with the server's public key accept signed decisions only. */
function decisionProof(run: IncidentRun): DecisionProof | undefined {
  return run.input.decisionKey ? { key: run.input.decisionKey, workflowId: workflowInfo().workflowId } : undefined;
}

function onAlert(run: IncidentRun, alert: Alert): void {
  // signalWithStart delivers the opening alert twice: as the input and as this signal.
  if (alert.alert_id !== undefined && alert.alert_id === run.input.alert.alert_id) return;
  recordAlert(run.state, alert, nowIso(), run.maxRecentAlerts);
  if (run.followUps) onFollowUp(run, alert);
}

function onDecision(run: IncidentRun, decision: ApprovalDecision): ApprovalRecord {
  const record = run.state.steps[decision.stepId]!.approval!;
  applyDecision(record, decision, nowIso());
  markHumanAction(run.state, nowIso());
  // The decider's identity is verified: the validator checked the server's signature over it.
  run.audit.append(
    'approval.vote',
    `${run.state.incidentId}/${decision.stepId}`,
    { decision: decision.decision, via: decision.via, groups: decision.approver.groups, signed: !!decision.signature, ...(decision.reason ? { reason: decision.reason } : {}) },
    decision.approver.id,
  );
  run.timeline(`${decision.decision} step ${decision.stepId} via ${decision.via}${decision.reason ? `: ${decision.reason}` : ''}`, decision.approver.id);
  return record;
}

function validateCancel(state: IncidentState, req: CancelRequest): void {
  if (!req?.by || !req.reason?.trim()) throw new Error('cancel needs "by" and a "reason"');
  if (state.cancel) throw new Error(`already cancelled by ${state.cancel.by}`);
  if (['closed', 'failed', 'cancelled'].includes(state.status)) throw new Error(`incident is already ${state.status}`);
}

/** Records the request; the phase runner stops at its next step and rolls back if asked. */
function onCancel(run: IncidentRun, req: CancelRequest): IncidentState['status'] {
  run.state.cancel = { ...req, at: nowIso() };
  markHumanAction(run.state, nowIso());
  run.timeline(`cancel requested${req.rollback ? ' with rollback' : ''}: ${req.reason}`, req.by);
  return run.state.status;
}

function validateNote(req: NoteRequest): void {
  const problem = noteProblem(req);
  if (problem) throw new Error(problem);
}

function onNote(run: IncidentRun, req: NoteRequest): number {
  // A note once the incident is over (its workflow still finishing) is a post-incident note: marked, and on the timeline.
  const after = patched('note-after-close') && OVER_STATUSES.has(run.state.status);
  run.state.notes.push({ by: req.by, text: req.text, at: nowIso(), ...(after ? { afterClose: true } : {}) });
  if (after) run.timeline('note added after closing', req.by);
  else markHumanAction(run.state, nowIso());
  return run.state.notes.length;
}

function validateSeverityChange(req: SeverityChange): void {
  if (!req?.by) throw new Error('a severity change needs "by"');
  if (!['info', 'low', 'medium', 'high', 'critical'].includes(req.severity)) throw new Error(`unknown severity "${String(req.severity)}"`);
}

function onSeverity(run: IncidentRun, req: SeverityChange): IncidentState['severity'] {
  run.timeline(`severity ${run.state.severity} → ${req.severity}${req.reason ? `: ${req.reason}` : ''}`, req.by);
  run.state.severity = req.severity;
  markHumanAction(run.state, nowIso());
  run.publish();
  return run.state.severity;
}
