import { Counter, Gauge, Registry } from 'prom-client';
import { HttpError } from '../http-json.js';
import type { Route } from '../router.js';
import type { WardenSnapshot } from './snapshot.js';

/**
 * The server's own metrics, in a registry of their own (never prom-client's global one, so that
 * two servers in one process, as in tests, never share a count). Counts are what this process saw;
 * the gauges are read from Temporal at scrape time, so they never drift from the workflows.
 */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Wraps alert intake routes so that every delivery is counted by source, result and reason. */
  countAlerts(routes: readonly Route[]): Route[];
}

/** How a delivery ended, from its HTTP status: what the sender was told. */
export function deliveryResult(status: number): { result: 'accepted' | 'ignored' | 'refused' | 'failed'; reason: string } {
  if (status === 202) return { result: 'accepted', reason: 'recorded' };
  if (status >= 200 && status < 300) return { result: 'ignored', reason: 'nothing_recorded' };
  const reasons: Record<number, string> = { 400: 'invalid', 401: 'unauthenticated', 403: 'forbidden', 413: 'too_large', 415: 'not_json', 429: 'rate_limited' };
  if (reasons[status]) return { result: 'refused', reason: reasons[status] };
  return { result: 'failed', reason: status === 503 ? 'temporal_unavailable' : 'internal_error' };
}

/** `generic` for /v1/alerts, else the adapter's name (/v1/alerts/alertmanager → alertmanager). */
export const sourceOf = (path: string): string => (path === '/v1/alerts' ? 'generic' : (path.split('/').pop() ?? 'unknown'));

export function createServerMetrics(snapshot?: () => Promise<WardenSnapshot>): ServerMetrics {
  const registry = new Registry();
  const deliveries = new Counter({
    name: 'warden_alert_deliveries_total',
    help: 'Alert deliveries the intake answered, by source, result (accepted: recorded on an incident; ignored: nothing recorded, e.g. a replayed delivery id; refused; failed) and reason.',
    labelNames: ['source', 'result', 'reason'] as const,
    registers: [registry],
  });
  if (snapshot) registerSnapshotGauges(registry, snapshot);
  return {
    registry,
    countAlerts(routes) {
      return routes.map((route) => ({
        ...route,
        async handle(req, res, params, send) {
          const source = sourceOf(route.path);
          try {
            await route.handle(req, res, params, send);
            deliveries.inc({ source, ...deliveryResult(res.statusCode) });
          } catch (err) {
            deliveries.inc({ source, ...deliveryResult(err instanceof HttpError ? err.status : 500) });
            throw err;
          }
        },
      }));
    },
  };
}

/**
 * Gauges read from Temporal when scraped: one snapshot per scrape (cached briefly, so that the
 * gauges of one scrape agree), and `warden_temporal_up 0` instead of stale numbers when the read fails.
 */
function registerSnapshotGauges(registry: Registry, snapshot: () => Promise<WardenSnapshot>): void {
  let cached: { at: number; value: Promise<WardenSnapshot | undefined> } | undefined;
  const read = (): Promise<WardenSnapshot | undefined> => {
    if (!cached || Date.now() - cached.at > 2_000) cached = { at: Date.now(), value: snapshot().catch(() => undefined) };
    return cached.value;
  };
  /** A gauge filled from the scrape's snapshot; `always` also runs when the read failed. */
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, s: WardenSnapshot) => void, always?: (g: Gauge<L>, ok: boolean) => void): void => {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        const s = await read();
        if (s) fill(this, s);
        always?.(this, s !== undefined);
      },
    });
  };
  gauge(
    'warden_temporal_up',
    'Whether the read of the workflows behind these gauges succeeded (1) or not (0; the other gauges are then empty, never stale).',
    [],
    () => undefined,
    (g, ok) => g.set(ok ? 1 : 0),
  );
  gauge('warden_incidents_open', 'Running incident workflows by phase (done: waiting for a resolution or lessons).', ['phase'], (g, s) => {
    for (const [phase, n] of Object.entries(s.incidentsByPhase)) g.set({ phase }, n);
  });
  gauge('warden_approvals_waiting', 'Incident steps waiting for an approval.', [], (g, s) => g.set(s.approvals.waiting));
  gauge('warden_approval_oldest_wait_seconds', 'Age of the oldest incident approval still waiting (0 when none waits).', [], (g, s) => g.set(s.approvals.oldestSeconds));
  gauge('warden_review_entitlements', 'Entitlements under review in each running access-review campaign.', ['campaign'], (g, s) => {
    for (const c of s.campaigns) g.set({ campaign: c.id }, c.entitlements);
  });
  gauge('warden_review_decided', 'Items decided (by a person or on silence) in each running access-review campaign.', ['campaign'], (g, s) => {
    for (const c of s.campaigns) g.set({ campaign: c.id }, c.decided);
  });
}

/** GET /metrics: Prometheus text, for a token holding `viewer` or higher (Prometheus sends it as `authorization: credentials`). */
export function metricsRoute(metrics: ServerMetrics, authorize: (req: Parameters<Route['handle']>[0]) => void): Route {
  return {
    method: 'GET',
    path: '/metrics',
    async handle(req, res) {
      authorize(req);
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
      res.end(text);
    },
  };
}
