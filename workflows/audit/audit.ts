/**
 * The audit workflow (`auditWorkflowId(taskQueue)`): the one place that orders every append, so
 * workers and servers on several hosts extend one chain. Sources send `audit.append` (workflows
 * through getExternalWorkflowHandle, exactly once per workflow event; the server and activities
 * with signalWithStart); a key seen before is not recorded again. Each record gets its seq and
 * hash here, deterministically, and batches go to the store through `auditWriteBatch`, which
 * writes a retried batch identically. Continue-as-new carries the head, the seq, the keys seen
 * recently and any record not yet written.
 */
import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { AuditActivities } from '../../activities/audit/index.js';
import { auditAppendSignal, auditHeadQuery, chainRecord, GENESIS_HASH, type AuditEntry, type AuditRecord } from '../../contracts/audit.js';
import { historyPastLimit } from '../../contracts/continue-as-new.js';

export interface AuditWorkflowInput {
  readonly seq?: number;
  readonly head?: string;
  /** Keys recorded recently (oldest first), so a repeated append is recognised across continue-as-new. */
  readonly recentKeys?: string[];
  /** Records chained but not yet written. */
  readonly unwritten?: AuditRecord[];
  /** Continue as new after this many history events (default: contracts/continue-as-new.ts). */
  readonly continueAsNewAfter?: number;
}

/** How many keys are remembered: far more than the appends retried within a continue-as-new window. */
export const AUDIT_RECENT_KEYS = 2_000;
const MAX_BATCH = 500;

const { auditWriteBatch } = proxyActivities<AuditActivities>({
  // Short, so that a batch whose worker died is retried by another soon.
  startToCloseTimeout: '10 seconds',
  // Never gives up: a store that is down holds records in the workflow until it is back.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function auditWorkflow(input: AuditWorkflowInput = {}): Promise<void> {
  let seq = input.seq ?? 0;
  let head = input.head ?? GENESIS_HASH;
  const recent = [...(input.recentKeys ?? [])];
  const seen = new Set(recent);
  const unwritten: AuditRecord[] = [...(input.unwritten ?? [])];

  setHandler(auditAppendSignal, (entries: AuditEntry[]) => {
    for (const entry of entries) {
      if (seen.has(entry.key)) continue;
      seen.add(entry.key);
      recent.push(entry.key);
      if (recent.length > AUDIT_RECENT_KEYS) seen.delete(recent.shift()!);
      seq += 1;
      const record = chainRecord(entry, seq, head);
      head = record.hash;
      unwritten.push(record);
    }
  });
  setHandler(auditHeadQuery, () => ({ seq, head, unwritten: unwritten.length }));

  for (;;) {
    await condition(() => unwritten.length > 0 || historyPastLimit(input.continueAsNewAfter));
    if (unwritten.length > 0) {
      const batch = unwritten.slice(0, MAX_BATCH);
      await auditWriteBatch({ records: batch });
      unwritten.splice(0, batch.length);
      continue;
    }
    await condition(allHandlersFinished);
    if (unwritten.length > 0) continue;
    await continueAsNew<typeof auditWorkflow>({ ...input, seq, head, recentKeys: recent, unwritten });
  }
}
