import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncryptionKey, Keyring } from '../codec/keyring.js';
import type { ServerAudit, ServerAuditEntry } from './audit.js';

/** A key's fingerprint: 16 hex of a domain-separated SHA-256 of it. Names a key in the audit trail without revealing it. */
export function keyFingerprint(key: EncryptionKey): string {
  return createHash('sha256').update('warden-codec-key-fingerprint/v1\n').update(key.key).digest('hex').slice(0, 16);
}

/**
 * The `codec.rotated` record of the key that now encrypts: ids and fingerprints only, never key
 * material. Its idempotency key is the new key's id, so the CLI's append and the server's at its
 * next start are one record.
 */
export function codecRotatedEntry(keyring: Keyring, from: string | undefined, actor: string, source: string): ServerAuditEntry {
  return {
    kind: 'codec.rotated',
    actor,
    subject: `codec key ${keyring.active.id}`,
    key: `codec.rotated:${keyring.active.id}`,
    details: { from: from ?? null, to: keyring.active.id, fingerprint: keyFingerprint(keyring.active), keyIds: [...keyring.ids], source },
  };
}

const STATE_FILE = 'codec-active-key';

/**
 * At server start: when the key that encrypts is not the one this state dir last recorded, appends
 * `codec.rotated` (a rotation through `warden keys rotate` or WARDEN_ENCRYPTION_KEYS), then
 * remembers it. The first start with a single key records nothing: no rotation happened.
 */
export function auditCodecRotation(audit: ServerAudit, stateDir: string, keyring: Keyring, source: string): boolean {
  const file = join(stateDir, STATE_FILE);
  const last = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  const active = keyring.active.id;
  if (last === active) return false;
  const previous = last ?? (keyring.ids.length > 1 ? keyring.ids.at(-2) : undefined);
  const rotated = previous !== undefined;
  if (rotated) audit.append(codecRotatedEntry(keyring, previous, 'warden-server', source));
  writeFileSync(`${file}.tmp`, `${active}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return rotated;
}
