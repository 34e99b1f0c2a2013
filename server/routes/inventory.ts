/**
 * GET /v1/inventory (issue #19, point 7): the latest completed scan's assets, each with its
 * owner, principals, rating and reasons. Role viewer and up, like the other reads. Filters kind,
 * risk (that level or above) and source are checked: a bad one is a 400 naming the field. Before
 * any scan has completed the answer is a 404 saying so, never an empty or made-up inventory.
 */
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { INVENTORY_KINDS, INVENTORY_SOURCES } from '../../contracts/inventory.js';
import { loadLatestInventory, type SnapshotReader } from '../../contracts/inventory-latest.js';
import { filterRows, inventoryRows, NO_SCAN_DETAIL, RISK_ORDER, type InventoryFilter, type InventoryView } from '../../contracts/inventory-view.js';
import type { ApiAuth } from '../auth/api-auth.js';
import { HttpError, parseBody } from '../http-json.js';
import { route, type Route } from '../router.js';
import { orUnavailable } from '../temporal-errors.js';

const oneOf = (values: readonly string[]) => ({ message: `must be one of ${values.join(', ')}` });
export const inventoryQuery = z.strictObject({
  kind: z.enum(INVENTORY_KINDS, oneOf(INVENTORY_KINDS)).optional(),
  risk: z.enum(RISK_ORDER as [string, ...string[]], oneOf(RISK_ORDER)).optional(),
  source: z.enum(INVENTORY_SOURCES, oneOf(INVENTORY_SOURCES)).optional(),
});

export interface InventoryRouteDeps {
  readonly client: Client;
  readonly auth: ApiAuth;
  readonly taskQueue: string;
  /** The evidence store the scans write their snapshots to. */
  readonly evidence: SnapshotReader;
}

/** The inventory view for a filter: the latest scan's rows, or 'no scan yet'. */
export async function inventoryView(d: Omit<InventoryRouteDeps, 'auth'>, filters: InventoryFilter): Promise<InventoryView> {
  const latest = await loadLatestInventory(d.client, d.taskQueue, d.evidence);
  if (!latest) return { state: 'no scan yet', detail: NO_SCAN_DETAIL };
  const all = inventoryRows(latest.snapshot);
  const assets = filterRows(all, filters);
  return { state: 'scanned', scan: latest.scan, filters, total: all.length, count: assets.length, assets };
}

export function inventoryRoutes(d: InventoryRouteDeps): Route[] {
  return [
    route({
      method: 'GET',
      path: '/v1/inventory',
      responses: { 200: 'InventoryView', 404: 'InventoryNotScanned' },
      query: inventoryQuery,
      async handle(req, res, _params, send) {
        d.auth.authorize(req, 'viewer', 'read the AI inventory');
        const searchParams = new URL(req.url ?? '/', 'http://x').searchParams;
        for (const key of new Set(searchParams.keys())) {
          if (searchParams.getAll(key).length > 1) throw new HttpError(400, 'invalid query', [{ path: key, message: 'give it once' }]);
        }
        const filters = parseBody(inventoryQuery, Object.fromEntries(searchParams), 'query') as InventoryFilter;
        const view = await orUnavailable('finding the latest inventory scan', () => inventoryView(d, filters));
        if (view.state === 'no scan yet') return send(404, { error: view.detail, state: view.state });
        send(200, view);
      },
    }),
  ];
}
