/**
 * How a workflow appends to the audit trail: a signal to the audit workflow of its task queue,
 * which Temporal delivers exactly once per workflow event (the signal is a command in this
 * workflow's history). The key is this run and the append's ordinal in it, the same on replay.
 * Runs recorded before the audit trail (`patched('audit-trail')`) append nothing.
 *
 * Since `audit-in-order`, one signal is in flight at a time and what is appended meanwhile
 * leaves together in the next: two signals sent at once are separate commands that Temporal may
 * deliver in either order, and a vote recorded after the decision it led to says less than
 * happened. Earlier runs keep one signal per append.
 */
import { allHandlersFinished, condition, getExternalWorkflowHandle, patched, workflowInfo } from '@temporalio/workflow';
import { auditAppendSignal, auditWorkflowId, type AuditEntry, type AuditKind } from '../../contracts/audit.js';
import { nowIso } from '../../contracts/time.js';

export class WorkflowAudit {
  private appended = 0;
  private readonly on: boolean;
  private readonly inOrder: boolean;
  /** Signals sent and not yet answered (each settles, never rejects). */
  private pending: Promise<void>[] = [];
  /** Entries waiting for the signal in flight to be answered (`audit-in-order`). */
  private waiting: AuditEntry[] = [];
  private sending = false;

  constructor() {
    this.on = patched('audit-trail');
    this.inOrder = this.on && patched('audit-in-order');
  }

  /** Appends one record; `actor` defaults to this workflow (what it did by itself). Never throws, never waits. */
  append(kind: AuditKind, subject: string, details: Record<string, unknown>, actor?: string): void {
    if (!this.on) return;
    const info = workflowInfo();
    this.appended += 1;
    const entry = { time: nowIso(), kind, actor: actor ?? `workflow:${info.workflowId}`, subject, details, key: `${info.workflowId}/${info.runId}/${this.appended}` };
    if (!this.inOrder) {
      this.pending.push(this.send([entry]));
      return;
    }
    this.waiting.push(entry);
    if (!this.sending) this.pending.push(this.drain());
  }

  /** Sends what waits, one signal at a time, until nothing does. */
  private async drain(): Promise<void> {
    this.sending = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      await this.send(batch);
    }
    this.sending = false;
  }

  private send(entries: AuditEntry[]): Promise<void> {
    // An audit workflow that does not exist (WARDEN_AUDIT=off) fails the signal, visibly in this history; the incident goes on.
    return getExternalWorkflowHandle(auditWorkflowId(workflowInfo().taskQueue))
      .signal(auditAppendSignal, entries)
      .catch(() => undefined);
  }

  /**
   * Resolves once every signal sent has been answered. A workflow awaits it before it completes
   * or continues as new: the answers are events of its history, and one arriving in the task that
   * completes the workflow fails that task (UnhandledCommand), and with it any Update the task
   * was answering.
   */
  async settled(): Promise<void> {
    while (this.pending.length > 0) {
      const now = this.pending;
      this.pending = [];
      await Promise.all(now);
    }
  }
}

/**
 * What a workflow awaits before it completes or continues as new: every handler finished and
 * (since `audit-settle-before-end`) every audit signal answered, so its last task completes cleanly.
 */
export async function endWhenSettled(audit: WorkflowAudit | undefined): Promise<void> {
  const settle = patched('audit-settle-before-end');
  if (settle) await audit?.settled();
  await condition(allHandlersFinished);
  if (settle) await audit?.settled();
}
