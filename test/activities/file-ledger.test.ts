import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileLedger } from '../../activities/providers/idempotency/file-ledger.js';

describe('file idempotency ledger', () => {
  it('remembers an entry across instances, in a 0600 file named by the key hash inside a 0700 directory', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'warden-ledger-')), 'ledger');
    const key = 'smtp:incident-42/../mail';
    expect(await createFileLedger(dir).get(key)).toBeUndefined();

    await createFileLedger(dir).record(key, { messageId: '<abc@warden>' });
    const entry = await createFileLedger(dir).get(key);

    expect(entry).toMatchObject({ key, value: { messageId: '<abc@warden>' } });
    expect(Number.isNaN(Date.parse(entry?.recordedAt ?? ''))).toBe(false);
    const fileName = `${createHash('sha256').update(key).digest('hex')}.json`;
    expect(readdirSync(dir)).toEqual([fileName]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, fileName)).mode & 0o777).toBe(0o600);
  });

  it('replaces an entry when the same key is recorded again, leaving no temp files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-ledger-'));
    const ledger = createFileLedger(dir);
    await Promise.all([ledger.record('k', { n: 1 }), ledger.record('k', { n: 2 })]);
    await ledger.record('k', { n: 3 });
    expect((await ledger.get('k'))?.value).toEqual({ n: 3 });
    expect(readdirSync(dir)).toHaveLength(1);
  });
});
