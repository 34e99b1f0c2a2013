import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuditActivities } from '../../activities/audit/index.js';
import { auditRecordHash, chainRecord, type AuditRecord } from '../../contracts/audit.js';
import type { AuditProblem, AuditVerification } from '../../contracts/audit-verify.js';
import { verifyStore } from '../../cli/commands/audit.js';
import { auditDir, entry, writeTrail, type AuditDir } from './fixture.js';

const B1 = '000000000001.jsonl';
const B2 = '000000000004.jsonl';
const B3 = '000000000007.jsonl';

/** Three sealed batches of three records: seq 1-3, 4-6, 7-9. */
async function trail(): Promise<AuditDir> {
  const a = auditDir();
  await writeTrail(a, [3, 3, 3]);
  return a;
}
const lines = (a: AuditDir, f: string) => readFileSync(join(a.dir, f), 'utf8').split('\n').filter(Boolean);
const put = (a: AuditDir, f: string, ls: string[]) => writeFileSync(join(a.dir, f), `${ls.join('\n')}\n`);
const verify = (a: AuditDir) => verifyStore(a.setup.store, a.publicKey);
const parse = (line: string) => JSON.parse(line) as AuditRecord;

/** The verification failed at the record `where` names, saying `text`. */
function problemIs(v: AuditVerification, where: Partial<AuditProblem>, text: string): void {
  expect(v.ok).toBe(false);
  expect(v.problem).toMatchObject(where);
  expect(v.problem!.message).toContain(text);
}

describe('audit verify finds every kind of tampering and names the first bad record', () => {
  it('an untouched trail verifies: 9 records, 3 batches', async () => {
    const v = await verify(await trail());
    expect(v).toMatchObject({ ok: true, batches: 3 });
    expect(v.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('an edited record (details changed, hash left) is named by seq and file:line', async () => {
    const a = await trail();
    const ls = lines(a, B2);
    ls[1] = ls[1]!.replace('"n":5', '"n":55');
    put(a, B2, ls);
    problemIs(await verify(a), { seq: 5, file: B2, line: 2 }, 'edited');
  });

  it('an edited record with its hash recomputed still breaks the next record and the seal', async () => {
    const a = await trail();
    const ls = lines(a, B2);
    const edited = { ...parse(ls[1]!), actor: 'someone-else' };
    const r = { ...edited, hash: auditRecordHash(edited) };
    ls[1] = JSON.stringify(r);
    put(a, B2, ls);
    problemIs(await verify(a), { seq: 6, file: B2, line: 3 }, 'prevHash');
  });

  it('a removed record is named where it is missing', async () => {
    const a = await trail();
    const ls = lines(a, B1);
    ls.splice(1, 1);
    put(a, B1, ls);
    problemIs(await verify(a), { seq: 2, file: B1, line: 2 }, 'seq 3 where seq 2 belongs');
  });

  it('an inserted record (well-formed, correctly hashed) is named', async () => {
    const a = await trail();
    const ls = lines(a, B2);
    const before = parse(ls[0]!);
    const forged = chainRecord(entry(99, { kind: 'approval.vote', actor: 'mallory' }), 5, before.hash);
    ls.splice(1, 0, JSON.stringify(forged));
    put(a, B2, ls);
    // It fits the chain where it stands; the real seq 5 after it does not.
    expect((await verify(a)).problem).toMatchObject({ seq: 6, file: B2, line: 3 });
  });

  it('two records swapped are named at the first one out of place', async () => {
    const a = await trail();
    const ls = lines(a, B3);
    [ls[0], ls[1]] = [ls[1]!, ls[0]!];
    put(a, B3, ls);
    problemIs(await verify(a), { seq: 7, file: B3, line: 1 }, 'seq 8 where seq 7 belongs');
  });

  it('a tail cut off inside the last batch (its records and seal) is detected', async () => {
    const a = await trail();
    put(a, B3, lines(a, B3).slice(0, 2));
    problemIs(await verify(a), { seq: 9, file: B3, line: 3 }, 'no seal');
  });

  it('the last record removed with the seal kept is detected by the seal', async () => {
    const a = await trail();
    const ls = lines(a, B3);
    ls.splice(2, 1);
    put(a, B3, ls);
    problemIs(await verify(a), { seq: 9, file: B3, line: 3 }, 'the seal covers seq 7..9');
  });

  it('the whole last batch deleted is detected by the head', async () => {
    const a = await trail();
    rmSync(join(a.dir, B3));
    problemIs(await verify(a), { seq: 7, file: 'head.json' }, 'ends at seq 9');
  });

  it('the head deleted is detected, and an empty store is never an empty trail', async () => {
    const a = await trail();
    rmSync(join(a.dir, 'head.json'));
    problemIs(await verify(a), { file: 'head.json' }, 'missing');
    problemIs(await verify(auditDir()), { seq: 1 }, 'no audit trail');
  });

  it('a trail re-sealed with another key is refused', async () => {
    const a = await trail();
    problemIs(await verifyStore(a.setup.store, auditDir().publicKey), { seq: 1, file: B1, line: 4 }, 'not signed');
  });

  it('a batch written again with the same records (a retried activity) is the same file; with other records it is refused', async () => {
    const a = await trail();
    const { auditWriteBatch } = createAuditActivities(a.setup);
    const records = lines(a, B2).slice(0, 3).map(parse);
    const before = readFileSync(join(a.dir, B2), 'utf8');
    await auditWriteBatch({ records });
    expect(readFileSync(join(a.dir, B2), 'utf8')).toBe(before);
    await expect(auditWriteBatch({ records: records.slice(0, 2) })).rejects.toThrow(/already holds other text/);
    expect((await verify(a)).ok).toBe(true);
  });
});
