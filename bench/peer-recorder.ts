/**
 * A loopback HTTP relay in front of a peer (moto) that notes when each request arrives, by its
 * AWS query action (`Action=UpdateAccessKey`…) and the `AccessKeyId` it names: P2 reads from it
 * when the containment call reached the peer, without polling the peer.
 */
import { createServer, type IncomingMessage } from 'node:http';

export interface PeerRecorder {
  readonly endpoint: string;
  /** performance.now() when the first request with this action naming this key arrived, if one did. */
  arrivedAt(action: string, accessKeyId: string): number | undefined;
  close(): Promise<void>;
}

const bodyOf = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

export async function startPeerRecorder(upstream: string): Promise<PeerRecorder> {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    void (async () => {
      const at = performance.now();
      const body = await bodyOf(req);
      const params = new URLSearchParams(body.toString('utf8'));
      const key = `${params.get('Action') ?? ''}:${params.get('AccessKeyId') ?? ''}`;
      if (!seen.has(key)) seen.set(key, at);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length' && k !== 'connection')) as Record<string, string>;
      try {
        const answer = await fetch(`${upstream}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, ...(body.length ? { body } : {}) });
        const out = Buffer.from(await answer.arrayBuffer());
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' });
        res.end(out);
      } catch (err) {
        res.writeHead(502).end((err as Error).message);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    arrivedAt: (action, accessKeyId) => seen.get(`${action}:${accessKeyId}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
