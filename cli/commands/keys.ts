import { rotateKeyFile } from '../../codec/keyring.js';
import { loadWardenConfig } from '../../config/load.js';

/** Appends a fresh key to the key file: it encrypts from the next start on; older keys still decrypt. */
export function rotateKeys(): number {
  const config = loadWardenConfig();
  if (config.encryption.keysVariable) {
    process.stderr.write('warden: keys come from WARDEN_ENCRYPTION_KEYS; rotate by appending ",newid:$(openssl rand -base64 32)" to it\n');
    return 2;
  }
  const id = rotateKeyFile(config.encryption.keyFile);
  process.stdout.write(`added key ${id} to ${config.encryption.keyFile}; restart worker, server and clients to encrypt with it\n`);
  return 0;
}
