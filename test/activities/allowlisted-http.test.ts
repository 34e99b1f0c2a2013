import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAllowlistedHttp, hostMatcher } from '../../activities/providers/http/allowlisted-http.js';
import { freePort } from '../helpers/ports.js';

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the call to fail');
}

const SECRETS = { authorization: 'Bearer sk-live-7c1e9a', cookie: 'session=c00k1e-5ec', 'x-api-key': 'key-3f8d2b' };

/** Routes of the peer: each answers like a small internal API would. */
function route(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://peer').pathname;
  if (path === '/hello') {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-peer': 'yes' });
    res.end(`hello ${req.method ?? ''} ${String(req.headers['x-request'] ?? '')}`);
  } else if (path === '/echo') {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => res.end(body));
  } else if (path === '/big') {
    res.end('x'.repeat(5000));
  } else if (path === '/redirect') {
    res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
    res.end();
  } else if (path === '/missing') {
    res.writeHead(404);
    res.end('no such thing');
  } else if (path === '/unavailable') {
    res.writeHead(503, { 'retry-after': '2' });
    res.end('down');
  } else if (path === '/slow') {
    setTimeout(() => res.end('late'), 2000).unref();
  } else {
    res.writeHead(400);
    res.end();
  }
}

describe('allowlisted HTTP requester against a local HTTP server', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    server = createServer((req, res) => {
      seen.push(`${req.method ?? ''} ${req.headers.host ?? ''}${req.url ?? ''}`);
      route(req, res);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  beforeEach(() => {
    seen.length = 0;
  });

  const http = createAllowlistedHttp({ allowHosts: ['127.0.0.1'], maxBodyBytes: 1000 });
  const base = () => `http://127.0.0.1:${port}`;

  it('returns status, headers and body from an allowed host', async () => {
    const response = await http.request({ method: 'GET', url: `${base()}/hello`, headers: { 'x-request': 'r1' }, timeoutMs: 5000 });
    expect(response).toMatchObject({ status: 200, body: 'hello GET r1', truncated: false });
    expect(response.headers['x-peer']).toBe('yes');
    expect(seen).toEqual([`GET 127.0.0.1:${port}/hello`]);

    const posted = await http.request({ method: 'POST', url: `${base()}/echo`, body: '{"a":1}', timeoutMs: 5000 });
    expect(posted.body).toBe('{"a":1}');
  });

  it('returns other 4xx as a response for the caller to judge', async () => {
    const response = await http.request({ method: 'GET', url: `${base()}/missing`, timeoutMs: 5000 });
    expect(response).toMatchObject({ status: 404, body: 'no such thing', truncated: false });
  });

  it('rejects a host outside the allowlist before connecting', async () => {
    const failure = await failureOf(http.request({ method: 'GET', url: `http://localhost:${port}/hello`, timeoutMs: 5000 }));
    expect(failure.type).toBe('HostNotAllowed');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/localhost.*WARDEN_HTTP_ALLOWLIST/);
    expect(seen).toEqual([]);
  });

  it('rejects schemes other than http and https', async () => {
    const failure = await failureOf(http.request({ method: 'GET', url: 'file:///etc/passwd', timeoutMs: 5000 }));
    expect(failure.type).toBe('HostNotAllowed');
    expect(failure.nonRetryable).toBe(true);
  });

  it('matches *.domain wildcards on a dot boundary only, without the bare domain', async () => {
    const allows = hostMatcher(['*.example.com', 'Exact.Example.org']);
    expect(['api.example.com', 'a.b.example.com', 'API.EXAMPLE.COM', 'exact.example.org'].map(allows)).toEqual([true, true, true, true]);
    expect(['example.com', 'evilexample.com', 'example.com.evil.test', 'sub.exact.example.org'].map(allows)).toEqual([false, false, false, false]);
    expect(() => hostMatcher(['https://example.com'])).toThrow(/WARDEN_HTTP_ALLOWLIST/);
    expect(() => hostMatcher(['*'])).toThrow(/WARDEN_HTTP_ALLOWLIST/);

    const wild = createAllowlistedHttp({ allowHosts: ['*.localhost'] });
    for (const host of ['localhost', 'evillocalhost', 'localhost.evil.test']) {
      const failure = await failureOf(wild.request({ method: 'GET', url: `http://${host}:${port}/hello`, timeoutMs: 5000 }));
      expect(failure.type).toBe('HostNotAllowed');
    }
    expect(seen).toEqual([]);
  });

  it('does not follow redirects, which could leave the allowlist', async () => {
    const response = await http.request({ method: 'GET', url: `${base()}/redirect`, timeoutMs: 5000 });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('http://169.254.169.254/latest/meta-data/');
    expect(seen).toEqual([`GET 127.0.0.1:${port}/redirect`]);
  });

  it('reads at most maxBodyBytes and marks the body truncated', async () => {
    const response = await http.request({ method: 'GET', url: `${base()}/big`, timeoutMs: 5000 });
    expect(response.body).toBe('x'.repeat(1000));
    expect(response.truncated).toBe(true);
  });

  it('fails retryably with HttpUnavailable on 503, honouring Retry-After', async () => {
    const failure = await failureOf(http.request({ method: 'GET', url: `${base()}/unavailable`, timeoutMs: 5000 }));
    expect(failure.type).toBe('HttpUnavailable');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toMatch(/503/);
    expect(failure.nextRetryDelay).toBe(2000);
  });

  it('fails retryably on a timeout and on a refused connection', async () => {
    const slow = await failureOf(http.request({ method: 'GET', url: `${base()}/slow`, timeoutMs: 200 }));
    expect(slow.type).toBe('HttpUnavailable');
    expect(slow.nonRetryable).toBe(false);
    expect(slow.message).toMatch(/timed out after 200 ms/);

    const closedPort = await freePort();
    const refused = await failureOf(http.request({ method: 'GET', url: `http://127.0.0.1:${closedPort}/`, timeoutMs: 2000 }));
    expect(refused.type).toBe('HttpUnavailable');
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('never puts authorization, cookie or x-api-key values into an error', async () => {
    const closedPort = await freePort();
    const failures = [
      await failureOf(http.request({ method: 'GET', url: `${base()}/slow?token=q-secret`, headers: SECRETS, timeoutMs: 100 })),
      await failureOf(http.request({ method: 'GET', url: `${base()}/unavailable`, headers: SECRETS, timeoutMs: 5000 })),
      await failureOf(http.request({ method: 'GET', url: `http://127.0.0.1:${closedPort}/`, headers: SECRETS, timeoutMs: 2000 })),
      await failureOf(http.request({ method: 'GET', url: `http://localhost:${port}/`, headers: SECRETS, timeoutMs: 2000 })),
      await failureOf(http.request({ method: 'GET', url: `${base()}/`, headers: { authorization: 'Bearer bad\nvalue-9x' }, timeoutMs: 2000 })),
      await failureOf(http.request({ method: 'GET', url: `${base()}/`, headers: SECRETS, body: 'no body on GET', timeoutMs: 2000 })),
    ];
    expect(failures.map((f) => f.type)).toEqual(['HttpUnavailable', 'HttpUnavailable', 'HttpUnavailable', 'HostNotAllowed', 'InvalidHttpRequest', 'InvalidHttpRequest']);
    for (const failure of failures) {
      for (const secret of [...Object.values(SECRETS), 'value-9x', 'q-secret']) expect(failure.message).not.toContain(secret);
    }
  });
});
