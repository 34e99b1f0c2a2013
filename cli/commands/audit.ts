import { existsSync } from 'node:fs';
import { auditPublicKey, type AuditRecord } from '../../contracts/audit.js';
import { verifyStore, type AuditVerification } from '../../contracts/audit-verify.js';
import { toOcsf } from '../../activities/audit/render/ocsf.js';
import { loadAuditKey } from '../../config/audit-key.js';
import { loadWardenConfig } from '../../config/load.js';
import { auditStoreOf } from '../../worker/deps.js';
import { UsageError } from '../usage.js';

export interface AuditFlags {
  readonly since?: string;
  readonly until?: string;
  readonly format?: string;
  readonly 'public-key'?: string;
  readonly json?: boolean;
}

/** `warden audit verify|export`: reads the trail from the configured store ($WARDEN_STATE_DIR/audit). */
export async function auditCommand(args: (string | undefined)[], flags: AuditFlags): Promise<number> {
  const [sub, ...rest] = args;
  if (rest.some((a) => a !== undefined)) throw new UsageError(`warden audit ${sub ?? ''} takes no arguments`);
  if (sub === 'verify') {
    const v = await readAndVerify(flags);
    if (flags.json) process.stdout.write(`${JSON.stringify({ ok: v.ok, records: v.records.length, batches: v.batches, ...(v.problem ? { problem: v.problem } : {}) })}\n`);
    else if (v.ok) process.stdout.write(`audit trail verified: ${v.records.length} records in ${v.batches} sealed batches, head seq ${v.records.at(-1)?.seq ?? 0}\n`);
    else process.stdout.write(`audit trail BROKEN at seq ${v.problem!.seq} (${v.problem!.file}:${v.problem!.line}): ${v.problem!.message}\n${v.records.length} records before it verified\n`);
    return v.ok ? 0 : 1;
  }
  if (sub === 'export') {
    const format = flags.format ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'ocsf') throw new UsageError('--format must be jsonl or ocsf');
    const since = timeFlag('--since', flags.since);
    const until = timeFlag('--until', flags.until);
    const v = await readAndVerify(flags);
    const inWindow = (r: AuditRecord) => (since === undefined || Date.parse(r.time) >= since) && (until === undefined || Date.parse(r.time) < until);
    for (const r of v.records.filter(inWindow)) process.stdout.write(`${JSON.stringify(format === 'ocsf' ? toOcsf(r) : r)}\n`);
    if (!v.ok) {
      process.stderr.write(`warden: exported only the records before seq ${v.problem!.seq}: the trail is broken there (${v.problem!.file}:${v.problem!.line}: ${v.problem!.message})\n`);
      return 1;
    }
    return 0;
  }
  throw new UsageError(`unknown audit subcommand "${sub ?? ''}"; expected verify or export`);
}

function timeFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`${name} takes an ISO 8601 time (2026-01-31 or 2026-01-31T12:00:00Z), got ${JSON.stringify(value)}`);
  return ms;
}

/** Reads every batch and the head and verifies them against the audit key's public half (or --public-key). */
async function readAndVerify(flags: AuditFlags): Promise<AuditVerification> {
  const config = loadWardenConfig();
  return verifyStore(auditStoreOf(config), flags['public-key'] ?? publicKeyOf(config.audit.keyFile));
}

function publicKeyOf(keyFile: string): string {
  if (!existsSync(keyFile)) throw new UsageError(`no audit key at ${keyFile}: pass --public-key HEX (the audit key's public half)`);
  return auditPublicKey(loadAuditKey(keyFile));
}

export { verifyStore };
