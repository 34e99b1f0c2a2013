import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hecSink, streamUntil, syslogSink, type SiemSink } from './audit-stream.js';
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
  readonly 'syslog-tls'?: boolean;
  readonly 'syslog-ca'?: string;
  readonly 'syslog-server-name'?: string;
  readonly interval?: string;
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

/** `warden audit stream --hec URL | --syslog HOST:PORT [--syslog-tls]`: runs until stopped, every --interval ms (2000), from the cursor in the state dir. */
async function streamCommand(flags: AuditFlags): Promise<number> {
  if (!!flags.hec === !!flags.syslog) throw new UsageError('audit stream takes one of --hec URL or --syslog HOST:PORT');
  const tlsAsked = !!flags['syslog-tls'] || !!flags['syslog-ca'] || !!flags['syslog-server-name'];
  if (tlsAsked && !flags.syslog) throw new UsageError('--syslog-tls, --syslog-ca and --syslog-server-name go with --syslog HOST:PORT');
  const intervalMs = Number(flags.interval ?? '2000');
  if (!/^\d+$/.test(flags.interval ?? '2000') || intervalMs < 100 || intervalMs > 3_600_000) throw new UsageError('--interval takes milliseconds from 100 to 3600000');
  const config = loadWardenConfig();
  let sink: SiemSink;
  if (flags.hec) {
    const token = process.env.WARDEN_SIEM_HEC_TOKEN;
    if (!token) throw new UsageError('--hec needs the HEC token in WARDEN_SIEM_HEC_TOKEN');
    sink = hecSink(flags.hec, token);
  } else {
    const m = /^(.+):(\d{1,5})$/.exec(flags.syslog!);
    if (!m) throw new UsageError('--syslog takes HOST:PORT');
    const caFile = flags['syslog-ca'];
    if (caFile && !existsSync(caFile)) throw new UsageError(`--syslog-ca: no file ${caFile} (a PEM file of the CA certificates the receiver's certificate must chain to)`);
    const tls = tlsAsked ? { ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}), ...(flags['syslog-server-name'] ? { serverName: flags['syslog-server-name'] } : {}) } : undefined;
    sink = syslogSink(m[1]!, Number(m[2]), tls);
  }
  const store = auditStoreOf(config);
  const publicKey = flags['public-key'] ?? publicKeyOf(config.audit.keyFile);
  const cursor = join(config.stateDir, `audit-stream-${createHash('sha256').update(sink.name).digest('hex').slice(0, 12)}.cursor`);
  process.stdout.write(`streaming the audit trail to ${sink.name} (cursor ${cursor})\n`);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await streamUntil({ store, publicKey, sink, cursorFile: cursor, intervalMs, signal: stop.signal, onError: (err) => process.stderr.write(`warden: ${sink.name}: ${err.message}; retrying\n`) });
  return 0;
}
