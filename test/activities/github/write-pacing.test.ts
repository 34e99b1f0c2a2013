/**
 * GitHub's guidance for writes: one at a time, and a large number of them at least a second apart.
 * The client's write limiter lets a burst of WRITE_BURST go at once, one at a time, then spaces the
 * rest a second apart. A local HTTP server stands in for GitHub and notes when each request
 * arrives and how many are in flight.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient, WRITE_BURST } from '../../../activities/providers/github/github-client.js';

interface Arrival {
  readonly method: string;
  readonly at: number;
}

let server: Server;
let baseUrl: string;
const arrivals: Arrival[] = [];
let inFlight = 0;
let mostInFlight = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    arrivals.push({ method: req.method ?? '', at: Date.now() });
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    // Held a little, so that a second write sent before this one is answered would overlap it.
    setTimeout(() => {
      inFlight--;
      res.writeHead(req.method === 'GET' ? 200 : 204, { 'content-type': 'application/json' });
      res.end(req.method === 'GET' ? '{"login":"x"}' : undefined);
    }, 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('GitHub write pacing', () => {
  it('sends a burst of writes at once but one at a time, and spaces the writes past it a second apart', async () => {
    const gh = createGitHubClient({ token: 'ghp_pacing_test', baseUrl });
    const extra = 3;
    const deletes = Array.from({ length: WRITE_BURST + extra }, (_, i) => gh.request('DELETE /orgs/{org}/members/{username}', { org: 'acme', username: `leaver-${i}` }));
    await Promise.all(deletes);
    const writes = arrivals.filter((a) => a.method === 'DELETE').map((a) => a.at);
    expect(writes).toHaveLength(WRITE_BURST + extra);
    expect(mostInFlight).toBe(1);
    // The burst: spaced a second apart it would take WRITE_BURST − 1 seconds; it takes well under.
    expect(writes[WRITE_BURST - 1]! - writes[0]!).toBeLessThan(3_000);
    // Past the burst, one write a second: each waits for the bucket's next token, and the tokens come
    // at least a second apart. The first may come at once (the bucket started refilling with the
    // first write), so the last of `extra` writes past the burst comes at least (extra − 1) seconds
    // after the first write; the slack is for the first write's own way to the server.
    expect(writes.at(-1)! - writes[0]!).toBeGreaterThanOrEqual((extra - 1) * 1000 - 250);
  });
});
