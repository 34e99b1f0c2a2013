import { createServer, type Server } from 'node:http';
import type { PayloadCodec } from '@temporalio/common';
import type { HealthProbe } from './health.js';
import { createRouter, type Route } from './router.js';
import { codecRoutes } from './routes/codec.js';
import { healthRoutes } from './routes/health.js';

export interface HttpAppDeps {
  readonly health: HealthProbe;
  readonly codec: PayloadCodec;
  readonly codecCorsOrigins: readonly string[];
  readonly codecToken?: string;
  /** The API: alert intake and incidents (absent in tests that only need health and codec). */
  readonly api?: readonly Route[];
  readonly log: (msg: string) => void;
}

/** The Warden HTTP server: health, the remote codec endpoint, the alert intake and incident API. */
export function createHttpApp(d: HttpAppDeps): Server {
  const router = createRouter(
    [...healthRoutes(d.health), ...codecRoutes({ codec: d.codec, corsOrigins: d.codecCorsOrigins, ...(d.codecToken ? { token: d.codecToken } : {}) }), ...(d.api ?? [])],
    d.log,
  );
  return createServer((req, res) => void router(req, res));
}

/** Listens and resolves with the bound port (0 picks a free one). */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolvePromise(typeof address === 'object' && address ? address.port : port);
    });
  });
}
