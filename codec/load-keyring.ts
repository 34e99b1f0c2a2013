import type { WardenConfig } from '../config/config.js';
import { ensureKeyFile, loadKeyFile, parseKeysVariable, type Keyring } from './keyring.js';

/**
 * The keyring from WARDEN_ENCRYPTION_KEYS, else from the key file. With `createIfMissing`
 * (the embedded default on first start) a default key file is generated, mode 0600.
 */
export function loadKeyring(config: WardenConfig, opts: { createIfMissing?: boolean } = {}): { keyring: Keyring; created: boolean } {
  const { keysVariable, keyFile, keyFileIsDefault } = config.encryption;
  if (keysVariable) return { keyring: parseKeysVariable(keysVariable), created: false };
  const created = opts.createIfMissing === true && keyFileIsDefault ? ensureKeyFile(keyFile) : false;
  return { keyring: loadKeyFile(keyFile), created };
}
