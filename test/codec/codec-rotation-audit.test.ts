import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createLocalAuditStore } from '../../activities/providers/audit-store/local-audit-store.js';
import { rotateKeys } from '../../cli/commands/keys.js';
import { ensureKeyFile, loadKeyFile, parseKeysVariable } from '../../codec/keyring.js';
import { loadAuditKey } from '../../config/audit-key.js';
import { loadWardenConfig } from '../../config/load.js';
import { auditPublicKey, type AuditRecord } from '../../contracts/audit.js';
import { verifyStore } from '../../contracts/audit-verify.js';
import { createServerAudit } from '../../server/audit.js';
import { auditCodecRotation, keyFingerprint } from '../../server/codec-rotation.js';
import { freePort } from '../helpers/ports.js';
import { suiteValue } from '../helpers/suite-env.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';

describe('codec key rotation goes into the audit trail', () => {
  it('warden keys rotate appends codec.rotated (ids and fingerprint, no key material); the server start after it adds no second record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-rotate-'));
    process.env.TEMPORAL_ADDRESS = suiteValue('address');
    const config = loadWardenConfig({ WARDEN_STATE_DIR: join(dir, 'state'), TEMPORAL_ADDRESS: suiteValue('address'), WARDEN_AUDIT: 'local' });
    ensureKeyFile(config.encryption.keyFile);
    const before = loadKeyFile(config.encryption.keyFile);
    const taskQueue = uniqueTaskQueue('codec-rotation');
    const store = createLocalAuditStore(config.audit.dir);
    const secretKey = loadAuditKey(config.audit.keyFile);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let records: AuditRecord[] = [];
    const rotated = (): AuditRecord[] => records.filter((r) => r.kind === 'codec.rotated');
    // The running worker knows only the keys from before the rotation, as in a deployment.
    await withWorker({ providers: {}, audit: { store, secretKey } }, { taskQueue, keyring: before }, async () => {
      expect(await rotateKeys(config, taskQueue)).toBe(0);
      const after = loadKeyFile(config.encryption.keyFile);
      expect(after.active.id).not.toBe(before.active.id);
      const read = async () => {
        const v = await verifyStore(store, auditPublicKey(secretKey));
        expect(v.ok).toBe(true);
        records = v.records;
        return rotated().length;
      };
      await expect.poll(read, { timeout: 30_000, interval: 300 }).toBe(1);
      expect(rotated()[0]!.actor).toMatch(/^cli:/);
      expect(rotated()[0]).toMatchObject({
        key: `codec.rotated:${after.active.id}`,
        details: { from: before.active.id, to: after.active.id, fingerprint: keyFingerprint(after.active), keyIds: [before.active.id, after.active.id] },
      });
      const text = readFileSync(config.encryption.keyFile, 'utf8');
      for (const k of (JSON.parse(text) as { keys: { key: string }[] }).keys) expect(JSON.stringify(records)).not.toContain(k.key);
      for (const k of [before.active, after.active]) expect(JSON.stringify(records)).not.toContain(k.key.toString('hex'));

      // The server's next start sees the new key: same idempotency key, so still one record; a later start adds nothing.
      const client = await suiteClient({ keyring: before });
      try {
        const audit = createServerAudit(client, taskQueue, () => undefined);
        expect(auditCodecRotation(audit, config.stateDir, after, 'key file')).toBe(true);
        expect(auditCodecRotation(audit, config.stateDir, after, 'key file')).toBe(false);
        // A rotation through WARDEN_ENCRYPTION_KEYS (a key appended to the variable) is found at start the same way.
        const viaVariable = parseKeysVariable(`${after.active.id}:${after.active.key.toString('base64')},env-k2:${Buffer.alloc(32, 7).toString('base64')}`);
        expect(auditCodecRotation(audit, config.stateDir, viaVariable, 'WARDEN_ENCRYPTION_KEYS')).toBe(true);
        await audit.flush();
      } finally {
        await client.connection.close();
      }
      await expect.poll(read, { timeout: 30_000, interval: 300 }).toBe(2);
      expect(rotated().map((r) => [r.details.from, r.details.to, r.actor])).toEqual([
        [before.active.id, after.active.id, expect.stringMatching(/^cli:/)],
        [after.active.id, 'env-k2', 'warden-server'],
      ]);
    });
    expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain('recorded codec.rotated');
    out.mockRestore();
  });

  it('with Temporal unreachable the key is still added, and the command says the server records it at its next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-rotate-'));
    const port = await freePort();
    process.env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
    const config = loadWardenConfig({ WARDEN_STATE_DIR: join(dir, 'state'), TEMPORAL_ADDRESS: `127.0.0.1:${port}`, WARDEN_AUDIT: 'local' });
    ensureKeyFile(config.encryption.keyFile);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await rotateKeys(config, 'nowhere')).toBe(0);
      expect(loadKeyFile(config.encryption.keyFile).ids).toHaveLength(2);
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toMatch(/the server records codec\.rotated \(k\S+\) at its next start/);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });

  it('the first start with a single key records nothing: no rotation happened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-rotate-'));
    const appended: unknown[] = [];
    const audit = { append: (e: unknown) => void appended.push(e), flush: () => Promise.resolve() };
    expect(auditCodecRotation(audit, dir, parseKeysVariable(`only:${Buffer.alloc(32, 1).toString('base64')}`), 'key file')).toBe(false);
    expect(appended).toEqual([]);
    expect(readFileSync(join(dir, 'codec-active-key'), 'utf8').trim()).toBe('only');
  });
});
