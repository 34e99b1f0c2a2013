import type { DataConverter } from '@temporalio/common';
import type { Logger } from 'pino';
import { AesGcmPayloadCodec } from '../codec/aes-gcm-codec.js';
import { wardenDataConverter } from '../codec/data-converter.js';
import type { Keyring } from '../codec/keyring.js';
import { loadKeyring } from '../codec/load-keyring.js';
import type { WardenConfig } from '../config/config.js';
import { loadWardenConfig } from '../config/load.js';
import { temporalTarget, type Target } from '../temporal/connection.js';

/** What every command that talks to Temporal needs, built once from the configuration (environment and warden.yaml). */
export interface CommandContext {
  readonly config: WardenConfig;
  readonly keyring: Keyring;
  readonly keyCreated: boolean;
  readonly codec: AesGcmPayloadCodec;
  readonly dataConverter: DataConverter;
  readonly target: Target;
}

export function commandContext(opts: { createKeyIfMissing?: boolean } = {}): CommandContext {
  const config = loadWardenConfig();
  const { keyring, created } = loadKeyring(config, { createIfMissing: opts.createKeyIfMissing ?? false });
  return {
    config,
    keyring,
    keyCreated: created,
    codec: new AesGcmPayloadCodec(keyring),
    dataConverter: wardenDataConverter(keyring),
    target: temporalTarget(config),
  };
}

/** Web UI link to a workflow run, when the UI address is known. */
export function workflowUiLink(ctx: CommandContext, workflowId: string, runId: string): string | undefined {
  const base = ctx.config.temporal.uiUrl;
  if (!base) return undefined;
  return `${base.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ctx.target.namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

let jsonLogger: Logger | undefined;

/** WARDEN_LOG_FORMAT=json: from now on `log` writes pino JSON lines (server/http-log.ts) instead of `warden: …` text. */
export function useJsonLogs(logger: Logger): void {
  jsonLogger = logger;
}

export const log = (msg: string): void => {
  if (jsonLogger) jsonLogger.info(msg);
  else process.stderr.write(`warden: ${msg}\n`);
};
