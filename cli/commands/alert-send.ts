import { readFileSync } from 'node:fs';
import type { WardenConfig } from '../../config/config.js';
import { loadWardenConfig } from '../../config/load.js';
import { readStateSecret, secretFile } from '../../config/state-secrets.js';
import { ApiClient, CliError, clientOptionsFromEnv } from '../api-client.js';

export interface AlertSendOptions {
  readonly dryRun: boolean;
  readonly json: boolean;
}

/** WARDEN_WEBHOOK_SECRET, else the secret the server generated into the state dir. */
export function webhookSecretOf(config: WardenConfig): string {
  const secret = readStateSecret(config.stateDir, config.intake.secrets, 'webhook');
  if (!secret) throw new CliError(`no webhook secret: set WARDEN_WEBHOOK_SECRET, or start the server once (it generates ${secretFile(config.stateDir, 'webhook')})`);
  return secret;
}

async function readInput(source: string): Promise<Buffer> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  }
  try {
    return readFileSync(source);
  } catch (err) {
    throw new CliError(`cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * `warden alert send FILE|-`: signs the alert with the webhook secret (Warden's v1 HMAC over
 * timestamp, delivery id, method, path and body) and posts exactly the bytes it signed to /v1/alerts.
 */
export async function alertSendCommand(source: string, opts: AlertSendOptions): Promise<number> {
  const config = loadWardenConfig();
  const body = await readInput(source);
  const name = source === '-' ? 'stdin' : source;
  try {
    JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new CliError(`${name} is not valid JSON: ${(err as Error).message}`);
  }
  const secret = webhookSecretOf(config);
  const client = new ApiClient(clientOptionsFromEnv(process.env, config));
  const result = await client.sendAlert(body, secret, { dryRun: opts.dryRun });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  const notes = [
    ...(result.deduplicated ? ['joined an open incident'] : []),
    ...(result.linkedIncidentId ? [`follows closed incident ${result.linkedIncidentId}`] : []),
    ...(opts.dryRun && !result.deduplicated ? ['dry run'] : []),
    ...(result.redactions ? [`${result.redactions} secret(s) redacted`] : []),
  ];
  process.stdout.write(`incident ${result.incidentId} (${result.playbook})${notes.length ? `: ${notes.join('; ')}` : ''}\n`);
  return 0;
}
