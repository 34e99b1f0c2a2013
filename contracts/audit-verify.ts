/**
 * Checks an audit trail as stored: batch files (`<first seq>.jsonl`, records then the seal line)
 * in seq order and the head file (the last batch's seal). Names the first bad record by seq and
 * file:line. Pure: `warden audit verify` reads the store and calls it.
 */
import { auditRecordHash, GENESIS_HASH, sealIsGenuine, type AuditRecord, type AuditSeal } from './audit.js';

export interface AuditBatchText {
  /** The file's name in the store, as the problem names it. */
  readonly name: string;
  readonly text: string;
}

export interface AuditProblem {
  /** The seq of the first bad record (or the one expected where a record is missing). */
  readonly seq: number;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface AuditVerification {
  readonly ok: boolean;
  /** Records that checked out before the first problem (all of them when ok). */
  readonly records: AuditRecord[];
  readonly batches: number;
  readonly problem?: AuditProblem;
}

/** The batch file of a first seq: names sort in seq order. */
export function auditBatchName(firstSeq: number): string {
  return `${String(firstSeq).padStart(12, '0')}.jsonl`;
}
export const AUDIT_HEAD_FILE = 'head.json';

/** A batch's text: one record per line, then the seal. */
export function auditBatchText(records: readonly AuditRecord[], seal: AuditSeal): string {
  return `${[...records.map((r) => JSON.stringify(r)), JSON.stringify({ seal })].join('\n')}\n`;
}

/**
 * Verifies every batch and the head against `publicKey` (hex). `head` undefined means the head file is missing, which is a problem, never an empty trail.
 * Read the head before the batches: batches written after it may extend past it, never end before it.
 */
export function verifyAuditTrail(batches: readonly AuditBatchText[], head: string | undefined, publicKey: string): AuditVerification {
  const records: AuditRecord[] = [];
  let expectSeq = 1;
  let prevHash = GENESIS_HASH;
  const fail = (file: string, line: number, message: string, seq = expectSeq): AuditVerification => ({ ok: false, records, batches: batches.length, problem: { seq, file, line, message } });
  for (const batch of batches) {
    const lines = batch.text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    let batchFirst: AuditRecord | undefined;
    let sealed = false;
    for (const [i, text] of lines.entries()) {
      const line = i + 1;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return fail(batch.name, line, 'not JSON');
      }
      if (sealed) return fail(batch.name, line, 'a line after the seal');
      const seal = (parsed as { seal?: AuditSeal }).seal;
      if (seal) {
        const last = records.at(-1);
        if (!batchFirst || !last) return fail(batch.name, line, 'a seal over no record');
        if (seal.firstSeq !== batchFirst.seq || seal.lastSeq !== last.seq || seal.prevHash !== batchFirst.prevHash || seal.head !== last.hash) {
          return fail(
            batch.name,
            line,
            `the seal covers seq ${seal.firstSeq}..${seal.lastSeq} (head ${String(seal.head).slice(0, 12)}), the batch holds ${batchFirst.seq}..${last.seq}: records were removed, added or changed`,
            seal.lastSeq > last.seq ? last.seq + 1 : batchFirst.seq,
          );
        }
        if (!sealIsGenuine(seal, publicKey)) return fail(batch.name, line, 'the seal is not signed by the audit key', batchFirst.seq);
        sealed = true;
        continue;
      }
      const r = parsed as AuditRecord;
      if (r.seq !== expectSeq) return fail(batch.name, line, `seq ${String(r.seq)} where seq ${expectSeq} belongs: a record was removed, inserted or moved`);
      if (r.prevHash !== prevHash) return fail(batch.name, line, 'prevHash is not the hash of the record before: a record was removed, inserted or moved');
      if (auditRecordHash(r) !== r.hash) return fail(batch.name, line, 'the record does not match its hash: it was edited');
      batchFirst ??= r;
      records.push(r);
      expectSeq += 1;
      prevHash = r.hash;
    }
    // The first record missing is the one after the last present: the tail from there was cut off, with the seal.
    if (!sealed) return fail(batch.name, lines.length + 1, `the batch has no seal: its tail from seq ${expectSeq} was cut off`);
  }
  return checkHead(records, batches, head, publicKey);
}

/** The head file holds the last batch's seal: a trail missing its last batches (or the head itself) fails here. */
function checkHead(records: AuditRecord[], batches: readonly AuditBatchText[], head: string | undefined, publicKey: string): AuditVerification {
  const fail = (message: string, seq: number): AuditVerification => ({ ok: false, records, batches: batches.length, problem: { seq, file: AUDIT_HEAD_FILE, line: 1, message } });
  const last = records.at(-1);
  if (head === undefined) return records.length ? fail('the head file is missing: the end of the trail cannot be checked', last!.seq) : { ok: true, records, batches: 0 };
  let seal: AuditSeal;
  try {
    seal = (JSON.parse(head) as { seal: AuditSeal }).seal;
  } catch {
    return fail('the head file is not JSON', (last?.seq ?? 0) + 1);
  }
  if (!seal || !sealIsGenuine(seal, publicKey)) return fail('the head is not signed by the audit key', (last?.seq ?? 0) + 1);
  // Batches written after the head was read (a trail verified while it grows) extend past it: each is sealed.
  const atHead = records.find((r) => r.seq === seal.lastSeq);
  if (!last || !atHead || atHead.hash !== seal.head) {
    return fail(`the head says the trail ends at seq ${seal.lastSeq}, the batches end at seq ${last?.seq ?? 0}: the tail was cut off or changed`, Math.min(seal.lastSeq, (last?.seq ?? 0) + 1));
  }
  return { ok: true, records, batches: batches.length };
}

/** What verifying reads: the store's listing and objects (activities/ports/audit-store.ts has them). */
export interface AuditReader {
  readonly location: string;
  list(): Promise<string[]>;
  get(name: string): Promise<string | undefined>;
}

const BATCH = /^\d{12}\.jsonl$/;

/** Reads the whole trail from `store` and verifies it; an empty store fails (a trail never reads as empty). */
export async function verifyStore(store: AuditReader, publicKey: string): Promise<AuditVerification> {
  // The head first: a batch written meanwhile then extends past it, which is fine; the head never runs ahead of what is read.
  const head = await store.get(AUDIT_HEAD_FILE);
  const names = await store.list();
  const batches = [];
  for (const name of names.filter((n) => BATCH.test(n))) {
    const text = await store.get(name);
    if (text === undefined) throw new Error(`${store.location}/${name} was listed but cannot be read`);
    batches.push({ name, text });
  }
  if (batches.length === 0 && head === undefined) {
    return { ok: false, records: [], batches: 0, problem: { seq: 1, file: store.location, line: 0, message: 'no audit trail here (no batch and no head): nothing to verify' } };
  }
  return verifyAuditTrail(batches, head, publicKey);
}
