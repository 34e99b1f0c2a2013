import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createDecisionSigner, type DecisionSigner } from '../contracts/approval-proof.js';
import type { EnvConfig } from './config.js';
import { ConfigError } from './errors.js';

/**
 * The signer of approval decisions: WARDEN_DECISION_SIGNING_KEY, else the key in the state dir,
 * generated (mode 0600) on first use. The key never leaves this process; incidents carry only
 * its public half.
 */
export function loadDecisionSigner(settings: EnvConfig['decisionSigning']): DecisionSigner {
  let key = settings.key;
  if (!key) {
    const file = settings.keyFile;
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    }
    key = readFileSync(file, 'utf8').trim();
  }
  try {
    return createDecisionSigner(key);
  } catch (err) {
    const where = settings.key ? 'WARDEN_DECISION_SIGNING_KEY' : `${settings.keyFile} (delete it to generate a new one)`;
    throw new ConfigError([`${where}: ${(err as Error).message}`]);
  }
}
