import { sealBatch, type AuditRecord, type AuditSeal } from '../../contracts/audit.js';
import { AUDIT_HEAD_FILE, auditBatchName, auditBatchText } from '../../contracts/audit-verify.js';
import type { AuditStore } from '../ports/audit-store.js';

/** The audit trail's store and the Ed25519 secret key (hex) that seals its batches. */
export interface AuditSetup {
  readonly store: AuditStore;
  readonly secretKey: string;
}

export interface AuditBatchResult {
  readonly file: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly head: string;
}

/**
 * The audit workflow's one activity: seals a batch of chained records and writes it under the
 * name of its first seq, then moves the head. The batch comes from the workflow's history and
 * Ed25519 signs deterministically, so a retry (after a crash mid-write) writes the same text.
 */
export function createAuditActivities(audit: AuditSetup | undefined) {
  return {
    auditWriteBatch: async (input: { records: AuditRecord[] }): Promise<AuditBatchResult> => {
      // Retryable: another worker that has the store takes the task, and nothing is lost meanwhile.
      if (!audit) throw new Error('this worker has no audit store (WARDEN_AUDIT=off)');
      const seal = sealBatch(input.records, audit.secretKey);
      const file = auditBatchName(seal.firstSeq);
      await audit.store.putOnce(file, auditBatchText(input.records, seal));
      const head = await audit.store.get(AUDIT_HEAD_FILE);
      const current = head === undefined ? undefined : (JSON.parse(head) as { seal: AuditSeal }).seal;
      if (!current || current.lastSeq < seal.lastSeq) await audit.store.replace(AUDIT_HEAD_FILE, `${JSON.stringify({ seal })}\n`);
      return { file, firstSeq: seal.firstSeq, lastSeq: seal.lastSeq, head: seal.head };
    },
  };
}

export type AuditActivities = ReturnType<typeof createAuditActivities>;
