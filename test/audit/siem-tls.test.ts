import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { createAuditActivities } from '../../activities/audit/index.js';
import { hecSink, streamOnce, streamUntil, syslogSink } from '../../cli/commands/audit-stream.js';
import { chainRecord, type AuditRecord } from '../../contracts/audit.js';
import { freePort } from '../helpers/ports.js';
import { auditDir, entry, writeTrail, type AuditDir } from './fixture.js';

/** A self-signed certificate for `siem.test` (and 127.0.0.1), made by the openssl CLI for this run. */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'warden-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=siem.test',
      '-addext',
      'subjectAltName=DNS:siem.test,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

/** Parses octet-counted RFC 5424 frames into the records they carry. */
function framesOf(text: string): AuditRecord[] {
  const out: AuditRecord[] = [];
  let rest = Buffer.from(text, 'utf8');
  while (rest.length > 0) {
    const space = rest.indexOf(0x20);
    const len = Number(rest.subarray(0, space).toString());
    const msg = rest.subarray(space + 1, space + 1 + len).toString('utf8');
    out.push(JSON.parse(msg.slice(msg.indexOf('] ') + 2)) as AuditRecord);
    rest = rest.subarray(space + 1 + len);
  }
  return out;
}

/** Appends `n` records after `prior` as one sealed batch, as the audit workflow would. */
async function appendBatch(a: AuditDir, prior: AuditRecord[], n: number): Promise<void> {
  const batch: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    const last = batch.at(-1) ?? prior.at(-1)!;
    batch.push(chainRecord(entry(last.seq + 1), last.seq + 1, last.hash));
  }
  await createAuditActivities(a.setup).auditWriteBatch({ records: batch });
  prior.push(...batch);
}

describe('syslog over TLS (RFC 5425)', () => {
  it('delivers to a receiver whose certificate chains to the given CA and names the server; refuses an unknown CA or another name', async () => {
    const { key, cert } = selfSigned();
    const a = auditDir();
    await writeTrail(a, [2, 1]);
    let received = '';
    const server = createTlsServer({ key, cert }, (s) => s.on('data', (b: Buffer) => (received += b.toString())));
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const cursor = join(mkdtempSync(join(tmpdir(), 'warden-siem-')), 'tls.cursor');
    try {
      // The system CAs do not know this certificate: nothing is sent, the cursor stays.
      await expect(streamOnce(a.setup.store, a.publicKey, syslogSink('127.0.0.1', port, { serverName: 'siem.test' }), cursor)).rejects.toThrow(/self[- ]signed/i);
      // The right CA but another name: refused too.
      await expect(streamOnce(a.setup.store, a.publicKey, syslogSink('127.0.0.1', port, { ca: cert, serverName: 'other.test' }), cursor)).rejects.toThrow(/other\.test/);
      expect(received).toBe('');
      expect(await streamOnce(a.setup.store, a.publicKey, syslogSink('127.0.0.1', port, { ca: cert, serverName: 'siem.test' }), cursor)).toBe(3);
      await expect.poll(() => (received ? framesOf(received).map((r) => r.seq) : [])).toEqual([1, 2, 3]);
      expect(received).toMatch(/^\d+ <38>1 /);
    } finally {
      server.close();
    }
  });
});

describe('a SIEM receiver that is down for 30 s', () => {
  it('loses nothing: the stream retries from its durable cursor and, once the receiver is back, delivers every record once and in order', async () => {
    const a = auditDir();
    const records = await writeTrail(a, [3]);
    const cursor = join(mkdtempSync(join(tmpdir(), 'warden-siem-')), 'hec.cursor');
    const port = await freePort();
    const got: number[] = [];
    const errors: string[] = [];
    const stop = new AbortController();
    // The receiver is down (nothing listens on the port) from the first round on.
    const streaming = streamUntil({
      store: a.setup.store,
      publicKey: a.publicKey,
      sink: hecSink(`http://127.0.0.1:${port}/services/collector/event`, 'hec-token'),
      cursorFile: cursor,
      intervalMs: 1_000,
      signal: stop.signal,
      onError: (err) => errors.push(err.message),
    });
    const downFor = 30_000;
    const downSince = Date.now();
    // Records keep arriving while it is down.
    await new Promise((r) => setTimeout(r, 10_000));
    await appendBatch(a, records, 2);
    await new Promise((r) => setTimeout(r, 10_000));
    await appendBatch(a, records, 4);
    await new Promise((r) => setTimeout(r, downFor - (Date.now() - downSince)));
    expect(got).toEqual([]);
    expect(errors.length).toBeGreaterThanOrEqual(20); // it kept trying, about once a second
    const server: Server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        for (const line of body.split('\n')) got.push((JSON.parse(line) as { event: AuditRecord }).event.seq);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}');
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      await expect.poll(() => got, { timeout: 10_000 }).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      await appendBatch(a, records, 1);
      await expect.poll(() => got, { timeout: 10_000 }).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(readFileSync(cursor, 'utf8').trim()).toBe('10');
    } finally {
      stop.abort();
      await streaming;
      server.close();
    }
  }, 70_000);
});
