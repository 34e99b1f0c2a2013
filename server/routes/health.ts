import type { Route } from '../router.js';
import { sendJson } from '../http-json.js';
import type { HealthProbe } from '../health.js';

/** GET /healthz: 200 when Temporal is reachable and a worker runs, else 503 with the reason. */
export function healthRoutes(probe: HealthProbe): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      async handle(_req, res) {
        const report = await probe.check();
        sendJson(res, report.ok ? 200 : 503, { status: report.ok ? 'ok' : 'unavailable', ...report });
      },
    },
  ];
}
