import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureKeyFile, loadKeyFile, parseKeysVariable, rotateKeyFile } from '../../codec/keyring.js';

const b64 = () => randomBytes(32).toString('base64');

describe('keyring', () => {
  it('parses WARDEN_ENCRYPTION_KEYS oldest first, the last one encrypting', () => {
    const ring = parseKeysVariable(`old:${b64()}, new:${b64()}`);
    expect(ring.active.id).toBe('new');
    expect(ring.ids).toEqual(['old', 'new']);
  });

  it('names the variable and the problem, never the key material', () => {
    const short = randomBytes(16).toString('base64');
    let message = '';
    try {
      parseKeysVariable(`k1:${short}`);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/WARDEN_ENCRYPTION_KEYS: key "k1" must be 32 bytes of base64 \(got 16 bytes\)/);
    expect(message).not.toContain(short);
    expect(() => parseKeysVariable('nocolon')).toThrow(/entry 1 is not of the form id:base64key/);
    expect(() => parseKeysVariable(`a:${b64()},a:${b64()}`)).toThrow(/appears twice/);
  });

  it('generates a key file with mode 0600 once, and rotation adds the encrypting key', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'warden-keys-')), 'state', 'keys.json');
    expect(ensureKeyFile(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const first = loadKeyFile(path);
    expect(ensureKeyFile(path)).toBe(false);
    expect(loadKeyFile(path).active.id).toBe(first.active.id);

    const added = rotateKeyFile(path);
    const rotated = loadKeyFile(path);
    expect(rotated.active.id).toBe(added);
    expect(rotated.byId(first.active.id)?.key.equals(first.active.key)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((JSON.parse(readFileSync(path, 'utf8')) as { keys: unknown[] }).keys).toHaveLength(2);
  });

  it('refuses a key file that others can read', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'warden-keys-')), 'keys.json');
    ensureKeyFile(path);
    chmodSync(path, 0o644);
    expect(() => loadKeyFile(path)).toThrow(/readable by group or others; run: chmod 600/);
  });
});
