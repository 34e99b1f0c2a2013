/** What the KPI tests share: a warden.yaml with one viewer, and reading GET /v1/kpis as them. */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { KpiReport } from '../../server/kpis.js';
import { documentedFetch } from '../helpers/documented-fetch.js';

/** A fresh state dir and a warden.yaml naming the viewer vera (her token returned), plus `extra` lines; the env startWardenServer takes. */
export function viewerEnv(name: string, extra: readonly string[] = []): { env: { WARDEN_STATE_DIR: string; WARDEN_CONFIG: string }; token: string } {
  const token = `tok-kpi-${name}-viewer-0123456789`;
  const dir = mkdtempSync(join(tmpdir(), `warden-kpi-${name}-`));
  const env = { WARDEN_STATE_DIR: join(dir, 'state'), WARDEN_CONFIG: join(dir, 'warden.yaml') };
  const sha = createHash('sha256').update(token).digest('hex');
  writeFileSync(env.WARDEN_CONFIG, [`identities:`, `  - { id: vera, roles: [viewer], tokens: [{ sha256: ${sha} }] }`, ...extra].join('\n'));
  return { env, token };
}

export const getKpis = (url: string, query: string, token?: string): Promise<Response> => documentedFetch(`${url}/v1/kpis${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** GET /v1/kpis as the viewer: a 200 and its report. */
export async function readKpis(url: string, query: string, token: string): Promise<KpiReport> {
  const res = await getKpis(url, query, token);
  expect(res.status).toBe(200);
  return (await res.json()) as KpiReport;
}
