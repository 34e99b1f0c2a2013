import type { WardenConfig } from '../config/config.js';

/** Field names whose values are secrets (tokens, passwords, keys), wherever they sit in the config. */
const SECRET_FIELDS = new Set(['botToken', 'appToken', 'signingSecret', 'token', 'pass', 'password', 'privateKey', 'key', 'keysVariable', 'sha256']);
export const MASK = '***';

function mask(value: unknown, underSecrets: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => mask(v, underSecrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, underSecrets || SECRET_FIELDS.has(k) ? (v === undefined ? v : maskLeaf(v)) : mask(v, k === 'secrets')]));
  }
  return underSecrets ? maskLeaf(value) : value;
}

/** A secret is shown as set (`***`), never its value, its length or a part of it. */
const maskLeaf = (v: unknown): unknown => (v && typeof v === 'object' ? mask(v, true) : MASK);

/**
 * The effective configuration as the server holds it (the environment's settings, warden.yaml's
 * content, the file and its digest), every secret masked: tokens, passwords, private and signing
 * keys, the alert senders' credentials given in the environment, and identities' token hashes.
 */
export function maskedConfig(config: WardenConfig): { readonly [key: string]: unknown } {
  return mask(config, false) as { readonly [key: string]: unknown };
}
