import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditActivities, type AuditSetup } from '../../activities/audit/index.js';
import { createLocalAuditStore } from '../../activities/providers/audit-store/local-audit-store.js';
import { auditPublicKey, chainRecord, GENESIS_HASH, type AuditEntry, type AuditRecord } from '../../contracts/audit.js';

export interface AuditDir {
  readonly dir: string;
  readonly setup: AuditSetup;
  readonly publicKey: string;
}

/** A fresh local audit store with a fresh sealing key. */
export function auditDir(): AuditDir {
  const dir = join(mkdtempSync(join(tmpdir(), 'warden-audit-')), 'audit');
  const secretKey = randomBytes(32).toString('hex');
  return { dir, setup: { store: createLocalAuditStore(dir), secretKey }, publicKey: auditPublicKey(secretKey) };
}

export function entry(n: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return { time: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), kind: 'incident.state', actor: 'workflow:incident-x', subject: 'incident-x', details: { n }, key: `k-${n}`, ...over };
}

/** Writes `sizes` batches of chained records through the audit activity, as the workflow would. */
export async function writeTrail(a: AuditDir, sizes: readonly number[]): Promise<AuditRecord[]> {
  const { auditWriteBatch } = createAuditActivities(a.setup);
  const all: AuditRecord[] = [];
  let head = GENESIS_HASH;
  for (const size of sizes) {
    const batch: AuditRecord[] = [];
    for (let i = 0; i < size; i++) {
      const r = chainRecord(entry(all.length + 1), all.length + 1, head);
      head = r.hash;
      batch.push(r);
      all.push(r);
    }
    await auditWriteBatch({ records: batch });
  }
  return all;
}
