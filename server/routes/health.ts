import { route, type Route } from '../router.js';
import type { HealthProbe } from '../health.js';

/** GET /healthz: 200 when Temporal is reachable and a worker runs, else 503 with the reason. */
export function healthRoutes(probe: HealthProbe): Route[] {
  return [
    route({
      method: 'GET',
      path: '/healthz',
      responses: { 200: 'Health', 503: 'Health' },
      async handle(_req, res, _params, send) {
        const report = await probe.check();
        send(report.ok ? 200 : 503, { status: report.ok ? 'ok' : 'unavailable', ...report });
      },
    }),
  ];
}
