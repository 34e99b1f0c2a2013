import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hecSink, streamOnce, syslogSink } from '../../cli/commands/audit-stream.js';
import { freePort } from '../helpers/ports.js';
import { auditDir, writeTrail } from './fixture.js';

/** A HEC-compatible receiver on `port`: collects events with the right token. */
function hecReceiver(port: number, got: unknown[]): Promise<Server> {
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.headers.authorization !== 'Splunk hec-token') return res.writeHead(403).end();
      for (const line of body.split('\n')) got.push((JSON.parse(line) as { event: unknown }).event);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

describe('streaming the audit trail to a SIEM from a durable cursor', () => {
  it('a HEC receiver that is down loses nothing: the cursor stays until it answers, then only new records follow', async () => {
    const a = auditDir();
    await writeTrail(a, [3, 2]);
    const cursor = join(mkdtempSync(join(tmpdir(), 'warden-siem-')), 'hec.cursor');
    const port = await freePort();
    const sink = hecSink(`http://127.0.0.1:${port}/services/collector/event`, 'hec-token');
    await expect(streamOnce(a.setup.store, a.publicKey, sink, cursor)).rejects.toThrow();
    await expect(streamOnce(a.setup.store, a.publicKey, sink, cursor)).rejects.toThrow();
    const got: { seq: number }[] = [];
    const server = await hecReceiver(port, got);
    try {
      expect(await streamOnce(a.setup.store, a.publicKey, sink, cursor)).toBe(5);
      expect(await streamOnce(a.setup.store, a.publicKey, sink, cursor)).toBe(0);
      expect(got.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
      const wrong = hecSink(`http://127.0.0.1:${port}/services/collector/event`, 'not-the-token');
      const otherCursor = `${cursor}.2`;
      await expect(streamOnce(a.setup.store, a.publicKey, wrong, otherCursor)).rejects.toThrow(/403/);
    } finally {
      server.close();
    }
  });

  it('syslog over TCP: one octet-counted RFC 5424 message per record', async () => {
    const a = auditDir();
    await writeTrail(a, [2]);
    let received = '';
    const server = createTcpServer((s) => s.on('data', (b: Buffer) => (received += b.toString())));
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const cursor = join(mkdtempSync(join(tmpdir(), 'warden-siem-')), 'syslog.cursor');
      expect(await streamOnce(a.setup.store, a.publicKey, syslogSink('127.0.0.1', port), cursor)).toBe(2);
      await expect.poll(() => received.match(/<38>1 /g)?.length ?? 0).toBe(2);
      const first = /^(\d+) (<38>1 \S+ \S+ warden - incident\.state \[warden@32473 seq="1" hash="[0-9a-f]{64}"\] \{.*?\})(?=\d+ <38>)/.exec(received);
      expect(first).not.toBeNull();
      expect(Number(first![1])).toBe(Buffer.byteLength(first![2]!));
    } finally {
      server.close();
    }
  });
});
