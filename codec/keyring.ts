import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';

/** One AES-256 key with the id that is written into every payload it encrypts. */
export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The keys Warden knows: the newest encrypts, any of them decrypts. */
export interface Keyring {
  readonly active: EncryptionKey;
  byId(id: string): EncryptionKey | undefined;
  readonly ids: readonly string[];
}

export class KeyringError extends Error {
  override name = 'KeyringError';
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32;

/** Builds a keyring from keys ordered oldest first; the last one encrypts. */
export function keyringOf(keys: readonly EncryptionKey[]): Keyring {
  const active = keys[keys.length - 1];
  if (!active) throw new KeyringError('the keyring holds no key');
  const map = new Map<string, EncryptionKey>();
  for (const k of keys) {
    if (map.has(k.id)) throw new KeyringError(`key id "${k.id}" appears twice; key ids must be unique`);
    map.set(k.id, k);
  }
  return { active, byId: (id) => map.get(id), ids: keys.map((k) => k.id) };
}

function decodeKey(id: string, base64: string, where: string): EncryptionKey {
  if (!KEY_ID.test(id)) {
    throw new KeyringError(`${where}: key id "${id}" is invalid; use 1-64 characters of A-Z a-z 0-9 . _ -`);
  }
  const key = Buffer.from(base64, 'base64');
  // Never echo the key material in the message, only its shape.
  if (key.length !== KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== base64.replace(/=+$/, '')) {
    throw new KeyringError(`${where}: key "${id}" must be ${KEY_BYTES} bytes of base64 (got ${key.length} bytes); generate one with: openssl rand -base64 32`);
  }
  return { id, key };
}

/**
 * Parses `WARDEN_ENCRYPTION_KEYS`: comma-separated `id:base64key` entries, oldest first.
 * To rotate, append a new entry: it encrypts from then on and the older ones still decrypt.
 */
export function parseKeysVariable(value: string, name = 'WARDEN_ENCRYPTION_KEYS'): Keyring {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new KeyringError(`${name} is set but empty; expected id:base64key[,id:base64key…]`);
  return keyringOf(
    entries.map((entry, i) => {
      const colon = entry.indexOf(':');
      if (colon <= 0) throw new KeyringError(`${name}: entry ${i + 1} is not of the form id:base64key`);
      return decodeKey(entry.slice(0, colon), entry.slice(colon + 1), name);
    }),
  );
}

interface KeyFile {
  keys: { id: string; key: string; createdAt: string }[];
}

function readKeyFile(path: string): KeyFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KeyringError(`cannot read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyringError(`key file ${path} is not valid JSON`);
  }
  const keys = (parsed as Partial<KeyFile> | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new KeyringError(`key file ${path}: expected {"keys": [{"id", "key", "createdAt"}, …]} with at least one key`);
  }
  return parsed as KeyFile;
}

/** Loads a key file (`{"keys":[{"id","key","createdAt"}]}`, oldest first). */
export function loadKeyFile(path: string): Keyring {
  const file = readKeyFile(path);
  const mode = statSync(path).mode & 0o077;
  if (mode !== 0) {
    throw new KeyringError(`key file ${path} is readable by group or others; run: chmod 600 ${path}`);
  }
  return keyringOf(
    file.keys.map((k, i) => {
      if (typeof k?.id !== 'string' || typeof k?.key !== 'string') {
        throw new KeyringError(`key file ${path}: keys[${i}] needs string "id" and "key"`);
      }
      return decodeKey(k.id, k.key, `key file ${path}`);
    }),
  );
}

function writeKeyFile(path: string, file: KeyFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function newKeyEntry(now: Date): KeyFile['keys'][number] {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return { id: `k${stamp}-${randomBytes(3).toString('hex')}`, key: randomBytes(KEY_BYTES).toString('base64'), createdAt: now.toISOString() };
}

/** Creates the key file with one fresh key (mode 0600) unless it exists. Returns true if created. */
export function ensureKeyFile(path: string, now = new Date()): boolean {
  try {
    statSync(path);
    return false;
  } catch {
    writeKeyFile(path, { keys: [newKeyEntry(now)] });
    return true;
  }
}

/** Appends a fresh key to the key file; it becomes the encrypting key. Returns its id. */
export function rotateKeyFile(path: string, now = new Date()): string {
  const file = readKeyFile(path);
  const entry = newKeyEntry(now);
  writeKeyFile(path, { keys: [...file.keys, entry] });
  return entry.id;
}
