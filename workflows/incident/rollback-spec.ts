/**
 * The approval a person's cancel with rollback needs before each undo. Undoing a containment step
 * can re-enable what an alert showed was leaked, so it is never one responder's call: each undo
 * needs the approval its step needed (the playbook's owners when the step needed none), never
 * approved by a timeout, and never by the person who asked for the rollback.
 */
import type { ApprovalSpec, ResolvedPlaybook, ResolvedStep } from '../../engine/playbook-types.js';
import { allSteps } from '../../engine/playbook-types.js';
import { rollbackStepId } from '../../contracts/incident.js';

/** How long a rollback waits for its approval when the step it undoes needed none. */
const OWNERS_ROLLBACK_TIMEOUT = '4h';

/** The approval of a step's rollback: its undo's own, else the step's, else its playbook's owners; four-eyes; a timeout never approves. */
export function rollbackSpec(step: ResolvedStep, playbook: ResolvedPlaybook): ApprovalSpec {
  const base: ApprovalSpec = step.undo?.approval ??
    step.approval ?? { groups: playbook.owners, quorum: 1, timeout: OWNERS_ROLLBACK_TIMEOUT, reminders: [], escalation: [], onTimeout: 'reject', fourEyes: true };
  return { ...base, fourEyes: true, onTimeout: base.onTimeout === 'approve' ? 'reject' : base.onTimeout };
}

/** The approval spec of every step's rollback, by its `undo_<step>` id, for the approval Update's validator. */
export function rollbackSpecs(playbook: ResolvedPlaybook): [string, ApprovalSpec][] {
  return allSteps(playbook).flatMap((s) => (s.undo ? [[rollbackStepId(s.id), rollbackSpec(s, playbook)] as [string, ApprovalSpec]] : []));
}
