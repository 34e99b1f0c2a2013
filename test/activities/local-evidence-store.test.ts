import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the call to fail');
}

const freshRoot = () => mkdtempSync(join(tmpdir(), 'warden-evidence-'));

describe('local evidence store', () => {
  it('writes a 0600 file once and reports its file:// uri, sha256 and size', async () => {
    const root = freshRoot();
    const store = createLocalEvidenceStore(root);
    const body = JSON.stringify({ incident: 42, keys: ['AKIA…'] });
    const stored = await store.put('incidents/incident-42/snapshot-detect.json', body, 'application/json');

    const path = join(root, 'incidents/incident-42/snapshot-detect.json');
    expect(stored).toEqual({
      uri: `file://${path}`,
      sha256: createHash('sha256').update(body).digest('hex'),
      bytes: Buffer.byteLength(body),
      already: false,
    });
    expect(fileURLToPath(stored.uri)).toBe(path);
    expect(readFileSync(path, 'utf8')).toBe(body);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, 'incidents/incident-42'))).toEqual(['snapshot-detect.json']);
    expect(Buffer.from((await store.get('incidents/incident-42/snapshot-detect.json')) ?? []).toString('utf8')).toBe(body);
  });

  it('reports already for the same key and the same bytes', async () => {
    const store = createLocalEvidenceStore(freshRoot());
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const first = await store.put('incidents/i-1/raw.bin', bytes, 'application/octet-stream');
    const again = await store.put('incidents/i-1/raw.bin', bytes, 'application/octet-stream');
    expect(again).toEqual({ ...first, already: true });
  });

  it('refuses different content under an existing key and keeps the original', async () => {
    const root = freshRoot();
    const store = createLocalEvidenceStore(root);
    await store.put('incidents/i-2/note.txt', 'original', 'text/plain');
    const failure = await failureOf(store.put('incidents/i-2/note.txt', 'tampered', 'text/plain'));
    expect(failure.type).toBe('EvidenceConflict');
    expect(failure.nonRetryable).toBe(true);
    expect(readFileSync(join(root, 'incidents/i-2/note.txt'), 'utf8')).toBe('original');
  });

  it('keeps one winner when two writers race on a key', async () => {
    const root = freshRoot();
    const store = createLocalEvidenceStore(root);
    const results = await Promise.allSettled([store.put('race/k.txt', 'a', 'text/plain'), store.put('race/k.txt', 'b', 'text/plain')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = readFileSync(join(root, 'race/k.txt'), 'utf8');
    expect(['a', 'b']).toContain(winner);
    expect(readdirSync(join(root, 'race'))).toEqual(['k.txt']);
  });

  it.each([
    ['/etc/passwd', /absolute/],
    ['../outside.json', /"\.\." path segment/],
    ['incidents/../../outside.json', /"\.\." path segment/],
    ['incidents//x.json', /empty path segment/],
    ['incidents/x.json/', /empty path segment/],
    ['incidents/./x.json', /"\." path segment/],
    ['incidents/x y.json', /may contain only/],
    ['incidents\\..\\x.json', /may contain only/],
    ['', /may contain only/],
  ])('rejects the key %j with InvalidEvidenceKey', async (key, problem) => {
    const root = freshRoot();
    const store = createLocalEvidenceStore(join(root, 'store'));
    const failure = await failureOf(store.put(key, 'x', 'text/plain'));
    expect(failure.type).toBe('InvalidEvidenceKey');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(problem);
    expect(readdirSync(root)).toEqual([]);
    expect((await failureOf(store.get(key))).type).toBe('InvalidEvidenceKey');
  });

  it('returns undefined for a key never written', async () => {
    const store = createLocalEvidenceStore(freshRoot());
    expect(await store.get('incidents/none/missing.json')).toBeUndefined();
  });
});
