import { userInfo } from 'node:os';
import { rotateKeyFile, loadKeyFile } from '../../codec/keyring.js';
import { wardenDataConverter } from '../../codec/data-converter.js';
import type { WardenConfig } from '../../config/config.js';
import { loadWardenConfig } from '../../config/load.js';
import { TASK_QUEUE } from '../../contracts/task-queue.js';
import { createServerAudit } from '../../server/audit.js';
import { codecRotatedEntry } from '../../server/codec-rotation.js';
import { connectClient, temporalTarget } from '../../temporal/connection.js';

/** How long the rotation waits for Temporal before leaving the record to the server's next start. */
const CONNECT_MS = 5_000;

/** Appends a fresh key to the key file: it encrypts from the next start on; older keys still decrypt. The rotation goes into the audit trail. */
export async function rotateKeys(config: WardenConfig = loadWardenConfig(), taskQueue = TASK_QUEUE): Promise<number> {
  if (config.encryption.keysVariable) {
    process.stderr.write(
      'warden: keys come from WARDEN_ENCRYPTION_KEYS; rotate by appending ",newid:$(openssl rand -base64 32)" to it (the server records the rotation in the audit trail at its next start)\n',
    );
    return 2;
  }
  const before = loadKeyFile(config.encryption.keyFile);
  const id = rotateKeyFile(config.encryption.keyFile);
  process.stdout.write(`added key ${id} to ${config.encryption.keyFile}; restart worker, server and clients to encrypt with it\n`);
  if (config.audit.store === 'off') return 0;
  const recorded = await recordRotation(config, before, taskQueue);
  process.stdout.write(
    recorded
      ? `recorded codec.rotated (${id}) in the audit trail\n`
      : `Temporal did not answer (${recorded === false ? 'see above' : 'timeout'}): the server records codec.rotated (${id}) at its next start\n`,
  );
  return 0;
}

/**
 * Appends codec.rotated now, encrypted with the keys the running worker already has (the new key
 * is not theirs until they restart). False or undefined when Temporal could not be reached.
 */
async function recordRotation(config: WardenConfig, before: ReturnType<typeof loadKeyFile>, taskQueue: string): Promise<boolean | undefined> {
  const after = loadKeyFile(config.encryption.keyFile);
  const entry = codecRotatedEntry(after, before.active.id, `cli:${userInfo().username}`, 'key file');
  let failed = false;
  const attempt = (async () => {
    const client = await connectClient(temporalTarget(config), wardenDataConverter(before));
    try {
      // One attempt: when Temporal does not take it, the server's next start records the rotation.
      const audit = createServerAudit(
        client,
        taskQueue,
        (msg) => {
          failed = true;
          process.stderr.write(`warden: ${msg}\n`);
        },
        { maxAttempts: 1 },
      );
      audit.append(entry);
      await audit.flush();
      return !failed;
    } finally {
      await client.connection.close();
    }
  })().catch((err: Error) => {
    process.stderr.write(`warden: ${err.message.split('\n')[0]}\n`);
    return false;
  });
  return Promise.race([attempt, new Promise<undefined>((r) => setTimeout(() => r(undefined), CONNECT_MS).unref())]);
}
