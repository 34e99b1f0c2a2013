/**
 * GET /v1/kpis (issue #16) against the real HTTP API, the dev server and a worker: a viewer reads
 * the KPIs, found through visibility and read from each incident's recorded state; no token is a
 * 401; a bad query is a 400 naming the field.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeUpdate } from '../../contracts/incident-triage.js';
import { incidentStateQuery } from '../../contracts/incident.js';
import { readStates, type KpiReport } from '../../server/kpis.js';
import { startWorker, suiteClient, uniqueTaskQueue, type TestWorker } from '../harness.js';
import { alert, HEADER, playbook, startIncident, startPeers, state, type Peers } from '../helpers/incident.js';
import { startWardenServer, type WardenServer } from '../helpers/warden-server.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { getKpis, viewerEnv } from './viewer.js';

const taskQueue = uniqueTaskQueue('kpis');
// A viewer, and an MTTD target of 6 minutes (0.1 h) instead of 4 h: warden.yaml's kpi.targets reach the figures.
const { env, token: viewerToken } = viewerEnv('route', ['kpi:', '  targets: { mttd_hours: 0.1 }']);
const tokens = { viewer: viewerToken };

let client: Client;
let peers: Peers;
let warden: WardenServer;
let worker: TestWorker;
beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
  warden = await startWardenServer(client, taskQueue, env);
  worker = await startWorker({ providers: peers.deps }, { taskQueue });
}, 60_000);
afterAll(async () => {
  await worker.shutdown();
  warden.close();
  await peers.close();
  await client.connection.close();
});

const get = (query: string, token?: string) => getKpis(warden.url, query, token);

describe('GET /v1/kpis', () => {
  it('refuses a caller without a token (401)', async () => {
    const res = await get('');
    expect(res.status).toBe(401);
  });

  it.each([
    ['?since=yesterday', 'since', /ISO 8601/],
    ['?until=2026-13-01T00:00:00Z', 'until', /ISO 8601/],
    ['?window=30x', 'window', /24h, 30d or 12w/],
    ['?since=2026-01-01T00:00:00Z&window=30d', 'window', /either since or window/],
    ['?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z', 'since', /before until/],
    ['?playbook=Not_A_Playbook', 'playbook', /a playbook id/],
    ['?sinse=2026-01-01T00:00:00Z', 'sinse', /unrecognized/i],
  ])('answers %s with a 400 naming %s', async (query, field, message) => {
    const res = await get(query, tokens.viewer);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { details: { path: string; message: string }[] };
    expect(body.details.map((d) => d.path)).toEqual([field]);
    expect(body.details[0]!.message).toMatch(message);
  });

  it('an incident that cannot be read is reported as unreadable, never silently left out of the figures', async () => {
    const r = await readStates(client, ['incident-kpi-no-such-incident'], incidentStateQuery);
    expect(r.states).toEqual([]);
    expect(r.unreadable.map((u) => u.workflowId)).toEqual(['incident-kpi-no-such-incident']);
    expect(r.unreadable[0]!.error).toMatch(/not found/i);
  });

  it('a viewer reads the figures of the incidents accepted in the window, from their recorded times; a dry run is excluded and said so', async () => {
    const id = `kpi-route-${randomUUID().slice(0, 8)}`;
    const pb = playbook(
      `${HEADER}
phases:
  contain:
    - id: tell
      action: notify.slack
      with: { channel: "#sec-incidents", text: "contained {{ incident.id }}" }
`.replace('id: test-playbook', `id: ${id}`),
    );
    const observed = new Date(Date.now() - 10 * 60_000 - 5_000).toISOString();
    const live = await startIncident(client, taskQueue, pb, alert({ observed_at: observed }));
    await startIncident(client, taskQueue, pb, alert({ observed_at: observed }), { dryRun: true });
    await expect.poll(async () => (await state(live)).awaiting, { timeout: 20_000 }).toBe('resolution');
    await live.executeUpdate(acknowledgeUpdate, { args: [{ by: 'olga' }] });

    let report: KpiReport | undefined;
    await expect
      .poll(
        async () => {
          const res = await get(`?window=1h&playbook=${id}`, tokens.viewer);
          expect(res.status).toBe(200);
          report = (await res.json()) as KpiReport;
          return report.incidents.incidents + report.incidents.excluded.dryRun;
        },
        { timeout: 20_000 },
      )
      .toBe(2);
    const i = report!.incidents;
    expect(i.excluded).toEqual({ dryRun: 1, falsePositive: 0, merged: 0, cancelled: 0 });
    expect(i.groups.map((g) => [g.playbook, g.severity, g.incidents])).toEqual([[id, 'high', 1]]);
    // Observed 10 min 5 s before it was accepted; acknowledged and contained within seconds after.
    const ten = { count: 1, open: 0, p50Minutes: 10, p90Minutes: 10, maxMinutes: 10 };
    expect(i.overall).toEqual({ mttd: ten, mtta: ten, mttc: ten, mttr: { count: 0, open: 1, p50Minutes: null, p90Minutes: null, maxMinutes: null } });
    expect(i.targets).toEqual({ mttdMinutes: 6, mttrMinutes: 1440 });
    const incidentId = (await state(live)).incidentId;
    expect(i.breaches).toEqual([{ incidentId, playbook: id, severity: 'high', metric: 'mttd', targetMinutes: 6, measuredMinutes: 10, overByMinutes: 4, inProgress: false }]);
    expect(i.sources).toEqual({ read: 2, unreadable: [], truncated: false });
    expect(report!.notes.join(' ')).toMatch(/Dry runs, false positives, merged and cancelled incidents are excluded/);

    // `warden kpi` prints the same figures as a table, and the report itself with --json.
    assertBuilt();
    const cliEnv = cleanEnv({ WARDEN_URL: warden.url, WARDEN_TOKEN: tokens.viewer });
    const table = await spawnCli(['kpi', '--since', '1h', '--playbook', id], cliEnv).done;
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    const row = table.stdout.split('\n').find((l) => l.startsWith(id))!;
    expect(row.split(/\s{2,}/)).toEqual([id, 'high', '1', '10m / 10m / 10m (n=1)', '10m / 10m / 10m (n=1)', '10m / 10m / 10m (n=1)', '- / - / - (n=0, open 1)']);
    expect(table.stdout).toContain('excluded from the live figures: 1 dry run(s), 0 false positive(s), 0 merged, 0 cancelled');
    expect(table.stdout).toMatch(new RegExp(`${incidentId}\\s+${id}\\s+MTTD\\s+< 6m\\s+10m\\s+\\+4m`));
    const json = await spawnCli(['kpi', '--since', '1h', '--playbook', id, '--json'], cliEnv).done;
    expect((JSON.parse(json.stdout) as KpiReport).incidents.overall).toEqual(i.overall);
    const bad = await spawnCli(['kpi', '--since', 'last tuesday'], cliEnv).done;
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/since/);
  });
});
