import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hecSink, streamOnce, syslogSink, type SiemSink } from './audit-stream.js';
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
  readonly hec?: string;
  readonly syslog?: string;
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
  if (sub === 'stream') return streamCommand(flags);
  throw new UsageError(`unknown audit subcommand "${sub ?? ''}"; expected verify, export or stream`);
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

/** `warden audit stream --hec URL | --syslog HOST:PORT`: runs until stopped, every 2 s, from the cursor in the state dir. */
async function streamCommand(flags: AuditFlags): Promise<number> {
  if (!!flags.hec === !!flags.syslog) throw new UsageError('audit stream takes one of --hec URL or --syslog HOST:PORT');
  const config = loadWardenConfig();
  let sink: SiemSink;
  if (flags.hec) {
    const token = process.env.WARDEN_SIEM_HEC_TOKEN;
    if (!token) throw new UsageError('--hec needs the HEC token in WARDEN_SIEM_HEC_TOKEN');
    sink = hecSink(flags.hec, token);
  } else {
    const m = /^(.+):(\d{1,5})$/.exec(flags.syslog!);
    if (!m) throw new UsageError('--syslog takes HOST:PORT');
    sink = syslogSink(m[1]!, Number(m[2]));
  }
  const store = auditStoreOf(config);
  const publicKey = flags['public-key'] ?? publicKeyOf(config.audit.keyFile);
  const cursor = join(config.stateDir, `audit-stream-${createHash('sha256').update(sink.name).digest('hex').slice(0, 12)}.cursor`);
  process.stdout.write(`streaming the audit trail to ${sink.name} (cursor ${cursor})\n`);
  for (;;) {
    try {
      while ((await streamOnce(store, publicKey, sink, cursor)) > 0);
    } catch (err) {
      process.stderr.write(`warden: ${sink.name}: ${(err as Error).message}; retrying\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
