import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly headers: IncomingMessage['headers'];
  readonly at: number;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  /** Hold the answer until this promise settles (to prove concurrency). */
  readonly hold?: Promise<unknown>;
}

export interface HttpRecorder {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** How to answer `METHOD /path` (exact) or `METHOD /prefix*`; default 200 {"ok":true}. */
  route(key: string, reply: Reply | ((req: RecordedRequest) => Reply)): void;
  close(): Promise<void>;
}

/** A real HTTP peer on 127.0.0.1 that records every request and answers as told. */
export async function startHttpRecorder(): Promise<HttpRecorder> {
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, Reply | ((req: RecordedRequest) => Reply)>();
  const find = (method: string, path: string) => routes.get(`${method} ${path}`) ?? [...routes.entries()].find(([k]) => k.endsWith('*') && `${method} ${path}`.startsWith(k.slice(0, -1)))?.[1];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep the text */
      }
      const recorded = { method: req.method ?? 'GET', path: req.url ?? '/', body, headers: req.headers, at: Date.now() };
      requests.push(recorded);
      const route = find(recorded.method, recorded.path);
      const reply = typeof route === 'function' ? route(recorded) : (route ?? { status: 200, body: { ok: true } });
      void Promise.resolve(reply.hold).then(() => {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body ?? {}));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (key, reply) => void routes.set(key, reply),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
