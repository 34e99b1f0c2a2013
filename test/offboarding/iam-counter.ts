import { createServer, type Server } from 'node:http';
import { freePort } from '../helpers/ports.js';

export interface IamCall {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
}

/** The IAM changes seen in front of moto, for counting what reached the peer. */
export interface IamCounter {
  readonly endpoint: string;
  /** Every change received, in order. */
  readonly changes: IamCall[];
  /** How many changes of `action` were received, for a given value of `param` when named. */
  count(action: string, param?: readonly [string, string]): number;
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of moto that records every IAM change (every action but the List,
 * Get and Generate reads) and holds each for `delayMs` (a number, or one per change: the n-th
 * change received by this proxy) before passing it on, so a test can act while a change is in
 * flight. A held change is passed on even when its caller has gone away, as AWS would carry out
 * a request it had received.
 */
export async function startIamCounter(motoEndpoint: string, opts: { delayMs: number | ((call: IamCall, n: number) => number); onChange?: (call: IamCall, n: number) => void }): Promise<IamCounter> {
  const holdOf = (call: IamCall, n: number) => (typeof opts.delayMs === 'number' ? opts.delayMs : opts.delayMs(call, n));
  const changes: IamCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      const action = params.Action ?? '';
      const change = action !== '' && !/^(List|Get|Generate)/.test(action);
      const call = { action, params };
      if (change) {
        changes.push(call);
        opts.onChange?.(call, changes.length);
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers)
          .filter(([k]) => k !== 'host' && k !== 'connection')
          .map(([k, v]) => [k, String(v)]),
      );
      const forward = () =>
        fetch(`${motoEndpoint}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, ...(body.length ? { body } : {}) })
          .then(async (upstream) => {
            const text = Buffer.from(await upstream.arrayBuffer());
            if (res.destroyed) return;
            res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/xml' });
            res.end(text);
          })
          .catch(() => res.destroy());
      if (change) setTimeout(() => void forward(), holdOf(call, changes.length));
      else void forward();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    changes,
    count: (action, param) => changes.filter((c) => c.action === action && (!param || c.params[param[0]] === param[1])).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
