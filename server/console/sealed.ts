import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * What the console hands a browser to keep for it: a session, or a login in progress. Sealed with
 * AES-256-GCM under a key derived (HKDF-SHA256) from WARDEN_SESSION_SECRET for one purpose, so
 * every server given the same secret opens what any of them sealed, and nothing on one server's
 * heap or disk is needed to do it. The purpose is also the additional data: a login's cookie never
 * opens as a session. A browser can neither read what it holds nor change a byte of it.
 */
export type SealPurpose = 'console-session' | 'oidc-login';

const VERSION = 1;
const IV = 12;
const TAG = 16;

export interface Sealer {
  seal(purpose: SealPurpose, value: unknown): string;
  /** The sealed value, or undefined: not sealed by this secret, for another purpose, changed, or not one at all. */
  open(purpose: SealPurpose, sealed: string): unknown;
}

export function createSealer(secret: string): Sealer {
  const derive = (purpose: SealPurpose): Buffer => Buffer.from(hkdfSync('sha256', secret, 'warden-console/v1', purpose, 32));
  const keys: Record<SealPurpose, Buffer> = { 'console-session': derive('console-session'), 'oidc-login': derive('oidc-login') };
  return {
    seal(purpose, value) {
      const iv = randomBytes(IV);
      const cipher = createCipheriv('aes-256-gcm', keys[purpose], iv);
      cipher.setAAD(Buffer.from(purpose));
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(purpose, sealed) {
      if (!/^[A-Za-z0-9_-]{1,8192}$/.test(sealed)) return undefined;
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length <= 1 + IV + TAG || raw[0] !== VERSION) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', keys[purpose], raw.subarray(1, 1 + IV));
        decipher.setAAD(Buffer.from(purpose));
        decipher.setAuthTag(raw.subarray(1 + IV, 1 + IV + TAG));
        const plain = Buffer.concat([decipher.update(raw.subarray(1 + IV + TAG)), decipher.final()]);
        return JSON.parse(plain.toString('utf8')) as unknown;
      } catch {
        return undefined; // a wrong key, purpose or tag: the same answer as garbage
      }
    },
  };
}
