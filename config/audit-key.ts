import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './errors.js';

/**
 * The audit trail's Ed25519 secret key (hex), separate from the decision key: the file in the
 * state dir, generated (mode 0600) on first use, as config/decision-key.ts does. Only the worker
 * that seals batches reads it; `warden audit verify` uses its public half.
 */
export function loadAuditKey(keyFile: string): string {
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process generated it first
    }
  }
  const key = readFileSync(keyFile, 'utf8').trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(key)) throw new ConfigError([`${keyFile}: the audit signing key must be 64 hex characters (a 32-byte Ed25519 key)`]);
  return key;
}
