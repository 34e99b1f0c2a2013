/**
 * GET /v1/kpis (issue #16): response-time, review and offboarding KPIs over a window, computed
 * from the workflows' recorded state (server/kpis.ts). Role viewer and up; the query is checked
 * and a bad one is a 400 naming the field.
 */
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { KpiTargets } from '../../contracts/kpi.js';
import type { ApiAuth } from '../auth/api-auth.js';
import { HttpError, parseBody } from '../http-json.js';
import { gatherKpis } from '../kpis.js';
import { route, type Route } from '../router.js';
import { orUnavailable } from '../temporal-errors.js';

const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };
export const DEFAULT_WINDOW = '30d';

const isoTime = z.iso.datetime({ offset: true, message: 'an ISO 8601 time with its offset, e.g. 2026-01-31T00:00:00Z' });
export const kpiQuery = z.strictObject({
  since: isoTime.optional(),
  until: isoTime.optional(),
  window: z
    .string()
    .regex(/^[1-9][0-9]{0,3}[hdw]$/, 'a length such as 24h, 30d or 12w')
    .optional(),
  playbook: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a playbook id')
    .optional(),
});
export type KpiQuery = z.infer<typeof kpiQuery>;

/** The window a query asks for: until (default now), and since, else until minus the window (default 30d). */
export function windowOf(q: KpiQuery, nowMs: number): { since: string; until: string } {
  if (q.since && q.window) throw new HttpError(400, 'invalid query', [{ path: 'window', message: 'give either since or window, not both' }]);
  const until = q.until ? Date.parse(q.until) : nowMs;
  const w = q.window ?? DEFAULT_WINDOW;
  const since = q.since ? Date.parse(q.since) : until - Number(w.slice(0, -1)) * UNIT_MS[w.slice(-1)]!;
  if (since >= until) throw new HttpError(400, 'invalid query', [{ path: 'since', message: 'must be before until' }]);
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString() };
}

export function kpiRoutes(client: Client, auth: ApiAuth, targets?: KpiTargets, taskQueue?: string): Route[] {
  return [
    route({
      method: 'GET',
      path: '/v1/kpis',
      responses: { 200: 'KpiReport' },
      query: kpiQuery,
      async handle(req, res, _params, send) {
        auth.authorize(req, 'viewer', 'read KPIs');
        const q = parseBody(kpiQuery, Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams), 'query');
        const now = Date.now();
        const window = windowOf(q, now);
        const report = await orUnavailable('computing KPIs', () =>
          gatherKpis(client, { ...window, asOf: new Date(now).toISOString(), ...(q.playbook ? { playbook: q.playbook } : {}), ...(targets ? { targets } : {}), ...(taskQueue ? { taskQueue } : {}) }),
        );
        send(200, report);
      },
    }),
  ];
}
