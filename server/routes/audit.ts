import type { AuditRecord } from '../../contracts/audit.js';
import { verifyStore, type AuditReader } from '../../contracts/audit-verify.js';
import type { ApiAuth } from '../auth/api-auth.js';
import { HttpError } from '../http-json.js';
import { route, type Route } from '../router.js';

export interface AuditRouteDeps {
  readonly auth: ApiAuth;
  /** The trail's store (cli/start passes the configured one) and the audit key's public half. */
  readonly store: AuditReader;
  readonly publicKey: string;
}

const MAX_LIMIT = 1000;

function timeParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new HttpError(400, 'invalid query', [{ path: name, message: 'must be an ISO 8601 time, e.g. 2026-01-31T12:00:00Z' }]);
  return ms;
}

/**
 * GET /v1/audit?since&until&limit (viewer or admin): the verified records in [since, until), the
 * newest `limit` (default 100, at most 1000), and whether the whole trail verifies; a broken trail
 * is reported with its first bad record, and only the records before it are returned.
 */
export function auditRoutes(d: AuditRouteDeps): Route[] {
  return [
    route({
      method: 'GET',
      path: '/v1/audit',
      responses: { 200: 'Audit' },
      async handle(req, res, _params, send) {
        d.auth.authorize(req, 'viewer', 'read the audit trail');
        const url = new URL(req.url ?? '/', 'http://x');
        const since = timeParam(url, 'since');
        const until = timeParam(url, 'until');
        const limitText = url.searchParams.get('limit') ?? '100';
        const limit = Number(limitText);
        if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT) throw new HttpError(400, 'invalid query', [{ path: 'limit', message: `must be a whole number from 1 to ${MAX_LIMIT}` }]);
        const v = await verifyStore(d.store, d.publicKey);
        const inWindow = (r: AuditRecord) => (since === undefined || Date.parse(r.time) >= since) && (until === undefined || Date.parse(r.time) < until);
        const records = v.records.filter(inWindow).slice(-limit);
        send(200, { verified: v.ok, ...(v.problem ? { problem: v.problem } : {}), total: v.records.length, records });
      },
    }),
  ];
}
