import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EvidenceObject, EvidenceStore } from '../../ports.js';
import { failure, FailureKind } from '../../../contracts/failures.js';
import { checkEvidenceKey as checkKey, evidenceKeyProblem } from '../../../contracts/evidence-key.js';

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw err;
  }
}

/** Writes a new 0600 file and fsyncs it, so a crash never publishes a half-written object. */
async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * An evidence store on the local file system under `rootDir`, one file per key.
 *
 * Side effects: `put` creates missing directories (mode 0700) and a file (mode 0600). It is
 * write-once and so safe to retry: the same key with the same bytes reports `already: true`; the
 * same key with other bytes fails with a non-retryable `EvidenceConflict` and leaves the stored
 * object untouched. The body is written to a temp file and then hard-linked into place, which
 * publishes a complete file atomically and, unlike rename, never replaces one a concurrent
 * writer published first. `get` has no side effects. `contentType` is not stored: the key's
 * extension carries it.
 */
export function createLocalEvidenceStore(rootDir: string): EvidenceStore {
  const root = resolve(rootDir);

  const describe = (path: string, bytes: Uint8Array, already: boolean): EvidenceObject => ({
    uri: pathToFileURL(path).href,
    sha256: sha256Hex(bytes),
    bytes: bytes.byteLength,
    already,
  });

  const compareWithStored = (key: string, path: string, body: Uint8Array, stored: Uint8Array): EvidenceObject => {
    if (Buffer.compare(stored, body) === 0) return describe(path, stored, true);
    throw failure(
      FailureKind.EvidenceConflict,
      `evidence ${key} already exists with different content (stored sha256 ${sha256Hex(stored)}, ` +
        `new sha256 ${sha256Hex(body)}); evidence is write-once, so store the new version under a new key`,
    );
  };

  const write = async (key: string, path: string, bytes: Uint8Array): Promise<EvidenceObject> => {
    const existing = await readIfPresent(path);
    if (existing) return compareWithStored(key, path, bytes, existing);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temp = join(dirname(path), `.tmp-${randomBytes(8).toString('hex')}`);
    try {
      await writeDurably(temp, bytes);
      await link(temp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return compareWithStored(key, path, bytes, await readFile(path));
    } finally {
      await rm(temp, { force: true });
    }
    return describe(path, bytes, false);
  };

  return {
    async put(key, body) {
      checkKey(key);
      const path = join(root, key);
      try {
        return await write(key, path, typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EISDIR' && code !== 'ENOTDIR' && code !== 'EEXIST') throw err;
        throw failure(FailureKind.EvidenceConflict, `evidence key ${key} collides with an existing directory or file on its path; choose another key`);
      }
    },

    async get(key) {
      checkKey(key);
      const stored = await readIfPresent(join(root, key));
      return stored ? new Uint8Array(stored) : undefined;
    },

    keyOf(uri) {
      let path: string;
      try {
        path = fileURLToPath(uri);
      } catch {
        return undefined;
      }
      const key = relative(root, path).split('\\').join('/');
      return key && !isAbsolute(key) && !evidenceKeyProblem(key) ? key : undefined;
    },
  };
}
