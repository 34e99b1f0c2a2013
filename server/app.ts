import { createServer, type Server } from 'node:http';
import type { PayloadCodec } from '@temporalio/common';
import type { HealthProbe } from './health.js';
import { createRateLimiter } from './intake/rate-limit.js';
import { presentedKey, rateLimited } from './rate-limited.js';
import { createRouter, type Route } from './router.js';
import { codecRoutes } from './routes/codec.js';
import { healthRoutes } from './routes/health.js';

export interface HttpAppDeps {
  readonly health: HealthProbe;
  readonly codec: PayloadCodec;
  readonly codecCorsOrigins: readonly string[];
  readonly codecToken?: string;
  /** Codec requests per minute per presented credential (default 6000: the Web UI decodes every payload it shows). */
  readonly codecRatePerMinute?: number;
  /** The API: alert intake and incidents (absent in tests that only need health and codec). */
  readonly api?: readonly Route[];
  readonly log: (msg: string) => void;
}

/** The Warden HTTP server: health, the remote codec endpoint, the alert intake and incident API. */
export function createHttpApp(d: HttpAppDeps): Server {
  const codec = codecRoutes({ codec: d.codec, corsOrigins: d.codecCorsOrigins, ...(d.codecToken ? { token: d.codecToken } : {}) });
  const codecRate = d.codecRatePerMinute ?? 6000;
  const router = createRouter([...healthRoutes(d.health), ...rateLimited(codec, createRateLimiter(codecRate, codecRate), (req) => presentedKey('codec', req), 'codec'), ...(d.api ?? [])], d.log);
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
