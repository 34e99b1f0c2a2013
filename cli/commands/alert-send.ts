import { readFileSync } from 'node:fs';
import type { EnvConfig } from '../../config/config.js';
import { loadEnvConfig } from '../../config/load.js';
import { readStateSecret, secretFile, STATE_SECRETS, type AlertSender } from '../../config/state-secrets.js';
import { alertRouteOf } from '../alert-senders.js';
import { ApiClient, CliError, clientOptionsFromEnv, type AlertAccepted } from '../api-client.js';

export interface AlertSendOptions {
  readonly dryRun: boolean;
  readonly json: boolean;
}

/** The sender's credential: its variable (WARDEN_WEBHOOK_SECRET…), else the file the server generated into the state dir. */
export function senderSecretOf(config: EnvConfig, sender: AlertSender): string {
  const secret = readStateSecret(config.stateDir, config.intake.secrets, sender);
  if (!secret) throw new CliError(`no ${sender} credential: set ${STATE_SECRETS[sender].variable}, or start the server once (it generates ${secretFile(config.stateDir, sender)})`);
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

/** What an adapter route answers: the incidents it recorded alerts on, and what it skipped. */
interface AdapterAnswer {
  readonly accepted?: AlertAccepted[];
  readonly skipped?: { reason: string }[];
}

const describeAccepted = (r: AlertAccepted, dryRun: boolean): string => {
  const notes = [
    ...(r.deduplicated ? ['joined an open incident'] : []),
    ...(r.linkedIncidentId ? [`follows closed incident ${r.linkedIncidentId}`] : []),
    ...(dryRun && !r.deduplicated ? ['dry run'] : []),
    ...(r.redactions ? [`${r.redactions} secret(s) redacted`] : []),
  ];
  return `incident ${r.incidentId} (${r.playbook})${notes.length ? `: ${notes.join('; ')}` : ''}`;
};

/**
 * `warden alert send FILE|-`: posts the alert to the route its shape belongs to, authenticated as
 * its sender would (Warden's generic alert: the v1 HMAC over timestamp, delivery id, method, path
 * and body; Alertmanager and GuardDuty: their bearer token; GitHub: X-Hub-Signature-256), with
 * the credential the server uses for that sender, and exactly the bytes it signed.
 */
export async function alertSendCommand(source: string, opts: AlertSendOptions): Promise<number> {
  const config = loadEnvConfig();
  const body = await readInput(source);
  const name = source === '-' ? 'stdin' : source;
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new CliError(`${name} is not valid JSON: ${(err as Error).message}`);
  }
  const route = alertRouteOf(doc);
  const secret = senderSecretOf(config, route.sender);
  const client = new ApiClient(clientOptionsFromEnv(process.env, config));
  const result = await client.postAlert<AlertAccepted & AdapterAnswer>(route.path, body, (path) => route.headers(secret, path, body), { dryRun: opts.dryRun });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  if (route.sender === 'webhook') {
    process.stdout.write(`${describeAccepted(result, opts.dryRun)}\n`);
    return 0;
  }
  const lines = [`${route.what} to ${route.path}:`, ...(result.accepted ?? []).map((r) => `  ${describeAccepted(r, opts.dryRun)}`), ...(result.skipped ?? []).map((s) => `  skipped: ${s.reason}`)];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
