/**
 * Streams the verified audit trail to a SIEM from a durable cursor (a file holding the last seq
 * the receiver acknowledged): Splunk HEC (HTTP, JSON lines) or syslog (RFC 5424 over TCP or TLS,
 * octet-counted). A receiver that is down is retried; nothing is skipped, and a record may be
 * sent again after a crash between the receiver's answer and the cursor write (its `hash` is a
 * unique id for the receiver to drop repeats).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { hostname } from 'node:os';
import type { AuditRecord } from '../../contracts/audit.js';
import { verifyStore, type AuditReader } from '../../contracts/audit-verify.js';

export interface SiemSink {
  readonly name: string;
  /** Resolves once the receiver took every record; throws otherwise. */
  send(records: readonly AuditRecord[]): Promise<void>;
}

/** Splunk HTTP Event Collector (or a compatible receiver): one JSON event per line, `Authorization: Splunk <token>`. */
export function hecSink(url: string, token: string): SiemSink {
  return {
    name: `hec ${new URL(url).host}`,
    async send(records) {
      const body = records.map((r) => JSON.stringify({ time: Date.parse(r.time) / 1000, host: hostname(), source: 'warden', sourcetype: 'warden:audit', event: r })).join('\n');
      const res = await fetch(url, { method: 'POST', headers: { authorization: `Splunk ${token}`, 'content-type': 'application/json' }, body });
      if (!res.ok) throw new Error(`the HEC receiver answered ${res.status}`);
    },
  };
}

/** One RFC 5424 message: facility auth (4), severity informational (6), the record as structured JSON after the header. */
export function syslogMessage(r: AuditRecord, host = hostname()): string {
  return `<38>1 ${r.time} ${host} warden - ${r.kind} [warden@32473 seq="${r.seq}" hash="${r.hash}"] ${JSON.stringify(r)}`;
}

/** Syslog over TLS (RFC 5425): the receiver's certificate must chain to `ca` (PEM; default the system's CAs) and name `serverName` (default the host). */
export interface SyslogTls {
  readonly ca?: string;
  readonly serverName?: string;
}

/** Syslog over TCP, or TLS when `tls` is given, with octet counting (RFC 6587); done when the receiver has the bytes and the connection closed cleanly. */
export function syslogSink(host: string, port: number, tls?: SyslogTls): SiemSink {
  return {
    name: `syslog${tls ? '+tls' : ''} ${host}:${port}`,
    send(records) {
      return new Promise((resolve, reject) => {
        const open = (): Socket => (tls ? connectTls({ host, port, servername: tls.serverName ?? host, rejectUnauthorized: true, ...(tls.ca ? { ca: tls.ca } : {}) }) : connect(port, host));
        const socket = open();
        socket.once('error', reject);
        socket.once(tls ? 'secureConnect' : 'connect', () => {
          const frames = records.map((r) => {
            const msg = Buffer.from(syslogMessage(r), 'utf8');
            return `${msg.length} ${msg.toString('utf8')}`;
          });
          socket.end(frames.join(''), () => resolve());
        });
      });
    },
  };
}

/** Sends the verified records after the cursor (at most `max`), then moves the cursor; returns how many were sent. */
export async function streamOnce(store: AuditReader, publicKey: string, sink: SiemSink, cursorFile: string, max = 500): Promise<number> {
  const after = existsSync(cursorFile) ? Number(readFileSync(cursorFile, 'utf8').trim()) : 0;
  const v = await verifyStore(store, publicKey);
  if (!v.ok && !v.problem?.message.includes('no audit trail')) throw new Error(`the trail is broken at seq ${v.problem!.seq} (${v.problem!.file}:${v.problem!.line}); streaming stops before it`);
  const pending = v.records.filter((r) => r.seq > after).slice(0, max);
  if (pending.length === 0) return 0;
  await sink.send(pending);
  writeFileSync(`${cursorFile}.tmp`, `${pending.at(-1)!.seq}\n`, { mode: 0o600 });
  renameSync(`${cursorFile}.tmp`, cursorFile);
  return pending.length;
}

/**
 * Streams until `signal` aborts: after each round (everything pending sent, or a failure) waits
 * `intervalMs`; a failure keeps the cursor where it was, so the next round starts from it again.
 */
export async function streamUntil(o: {
  store: AuditReader;
  publicKey: string;
  sink: SiemSink;
  cursorFile: string;
  intervalMs: number;
  signal?: AbortSignal;
  onError?: (err: Error) => void;
}): Promise<void> {
  while (!o.signal?.aborted) {
    try {
      while ((await streamOnce(o.store, o.publicKey, o.sink, o.cursorFile)) > 0);
    } catch (err) {
      o.onError?.(err as Error);
    }
    await new Promise<void>((resolve) => {
      const onAbort = (): void => (clearTimeout(t), resolve());
      const t = setTimeout(() => (o.signal?.removeEventListener('abort', onAbort), resolve()), o.intervalMs);
      o.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
