import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** What the ledger remembers about one idempotency key. */
export interface LedgerEntry {
  readonly key: string;
  /** ISO-8601 time the entry was recorded. */
  readonly recordedAt: string;
  readonly value: Readonly<Record<string, unknown>>;
}

/**
 * A durable record of side effects already performed, for providers that cannot be asked
 * "did I already do this?" (SMTP has no such query).
 */
export interface IdempotencyLedger {
  get(key: string): Promise<LedgerEntry | undefined>;
  record(key: string, value: Record<string, unknown>): Promise<void>;
  /**
   * Claims the right to perform the side effect of `key` for `leaseMs`, by a conditional write:
   * of two workers only one is `claimed`; the other learns until when the claim holds. A claim
   * whose lease ran out (its holder crashed) is taken over, also conditionally. Ledgers shared by
   * several hosts have it (the S3 ledger); a ledger on one host's disk does not need it.
   */
  claim?(key: string, leaseMs: number): Promise<{ readonly claimed: true } | { readonly claimed: false; readonly until: Date }>;
}

const fileNameFor = (key: string): string => `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`;

/**
 * A ledger storing one JSON file per key in `dir` (file name: sha256 of the key, so keys never
 * shape paths). Side effects: `record` creates `dir` (mode 0700) if missing, writes a 0600
 * temp file, fsyncs it and renames it over the entry, so a reader sees the old entry or the new
 * one, never half of one. Recording the same key again replaces the entry (last write wins).
 */
export function createFileLedger(dir: string): IdempotencyLedger {
  return {
    async get(key) {
      let text: string;
      try {
        text = await readFile(join(dir, fileNameFor(key)), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      const entry = JSON.parse(text) as LedgerEntry;
      return entry.key === key ? entry : undefined;
    },

    async record(key, value) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const entry: LedgerEntry = { key, recordedAt: new Date().toISOString(), value };
      const target = join(dir, fileNameFor(key));
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      const handle = await open(temp, 'wx', 0o600);
      try {
        try {
          await handle.writeFile(JSON.stringify(entry), 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
  };
}
