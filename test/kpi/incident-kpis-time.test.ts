/**
 * Issue #16, point 11: on Temporal's time-skipping test server, incidents are built at known times
 * (alert observed at T, accepted, acknowledged, contained and resolved hours later) through the
 * real incident workflow and its Updates; their states are read back as GET /v1/kpis reads them
 * (server/kpis.ts) and every figure is checked exactly: p50, p90, max, counts, open, breaches.
 * Figures are whole minutes rounded down; the wall time a test step takes (seconds) never reaches one.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lessonsUpdate, resolveUpdate, stepActionUpdate, incidentStateQuery, type IncidentState } from '../../contracts/incident.js';
import { acknowledgeUpdate, triageUpdate } from '../../contracts/incident-triage.js';
import { incidentKpis, type IncidentKpis } from '../../contracts/kpi.js';
import type { Severity } from '../../engine/playbook-types.js';
import { readStates } from '../../server/kpis.js';
import { createTimeSkippingEnv, withWorker, type TestWorker } from '../harness.js';
import { alert, HEADER, playbook, startIncident, startPeers, state, type Peers } from '../helpers/incident.js';

let env: TestWorkflowEnvironment;
let peers: Peers;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
  peers = await startPeers();
});
afterAll(async () => {
  await peers.close();
  await env?.teardown();
});

const M = 60_000;
const H = 60 * M;

/** Containment a person does by hand: AWS is not configured, so the step waits as not_applied. */
const byHand = playbook(
  `${HEADER}
phases:
  contain:
    - id: disable_key
      action: aws.disableAccessKey
      with: { userName: dana, accessKeyId: AKIAEXAMPLE000000016 }
`.replace('id: test-playbook', 'id: kpi-by-hand'),
);
/** Containment applied at the (fake Slack) peer as soon as the incident opens. */
const auto = playbook(
  `${HEADER}
phases:
  contain:
    - id: tell
      action: notify.slack
      with: { channel: "#sec-incidents", text: "contained {{ incident.id }}" }
`.replace('id: test-playbook', 'id: kpi-auto'),
);

/** One incident's life, each time an offset (ms) from when it was accepted; absent: it never happens. */
interface Life {
  readonly pb: typeof byHand;
  readonly severity: Severity;
  readonly observedBefore: number;
  readonly ack?: number;
  readonly contain?: number;
  readonly resolve?: number;
  readonly dryRun?: boolean;
  readonly falsePositive?: boolean;
}

async function until(handle: WorkflowHandle, what: string, ok: (s: IncidentState) => boolean): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (ok(await state(handle))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`incident ${handle.workflowId} never came to ${what}`);
}

/** Plays a life on the time-skipping server: env.sleep moves workflow time to each event, then a person acts. */
async function live(w: TestWorker, life: Life): Promise<string> {
  const t0 = await env.currentTimeMs();
  const handle = await startIncident(w.client, w.taskQueue, life.pb, alert({ severity: life.severity, observed_at: new Date(t0 - life.observedBefore).toISOString() }), { dryRun: !!life.dryRun });
  const id = (await state(handle)).incidentId;
  if (life.dryRun) return (await until(handle, 'planned', (s) => s.status === 'planned'), id);
  await until(handle, 'its containment', (s) => (life.pb === byHand ? s.steps.disable_key!.status === 'not_applied' : s.awaiting === 'resolution'));
  if (life.falsePositive) {
    await handle.executeUpdate(triageUpdate, { args: [{ action: 'false_positive', by: 'olga', reason: 'a test alert' }] });
    return id;
  }
  const events: { at: number | undefined; act: () => Promise<unknown> }[] = [
    { at: life.ack, act: () => handle.executeUpdate(acknowledgeUpdate, { args: [{ by: 'olga' }] }) },
    { at: life.contain, act: () => handle.executeUpdate(stepActionUpdate, { args: [{ stepId: 'disable_key', action: 'done_by_hand', by: 'olga', text: 'key disabled in the console' }] }) },
    {
      at: life.resolve,
      act: async () => {
        await until(handle, 'waiting for its resolution', (s) => s.awaiting === 'resolution');
        await handle.executeUpdate(resolveUpdate, { args: [{ by: 'olga', summary: 'handled' }] });
        await handle.executeUpdate(lessonsUpdate, { args: [{ by: 'olga', cause: 'a test', impact: 'none', followUps: [] }] });
      },
    },
  ];
  for (const e of events.filter((x) => x.at !== undefined).sort((a, b) => a.at! - b.at!)) {
    const now = await env.currentTimeMs();
    await env.sleep(t0 + e.at! - now);
    await e.act();
  }
  return id;
}

describe('incident KPIs from recorded times, on the time-skipping server', () => {
  it('computes MTTD, MTTA, MTTC and MTTR per playbook and severity, with p50/p90/max, open incidents and breaches, exactly', async () => {
    const { report, ids } = await withWorker({ providers: peers.deps }, { env, name: 'kpi' }, async (w) => {
      const ids: Record<string, string> = {};
      const windowStart = new Date(await env.currentTimeMs()).toISOString();
      ids.a1 = await live(w, { pb: byHand, severity: 'high', observedBefore: 30 * M, ack: 1 * H, contain: 2 * H, resolve: 5 * H });
      ids.a2 = await live(w, { pb: byHand, severity: 'high', observedBefore: 1 * H, ack: 20 * M, contain: 3 * H, resolve: 30 * H });
      ids.a3 = await live(w, { pb: byHand, severity: 'high', observedBefore: 5 * H, ack: 10 * M, contain: 1 * H, resolve: 6 * H });
      ids.b1 = await live(w, { pb: auto, severity: 'medium', observedBefore: 10 * M, ack: 5 * M, resolve: 40 * M });
      ids.dry = await live(w, { pb: byHand, severity: 'high', observedBefore: 9 * H, dryRun: true });
      ids.fp = await live(w, { pb: auto, severity: 'medium', observedBefore: 9 * H, falsePositive: true });
      // Still open 23 h after it was accepted, 25 h after it was observed: an MTTR breach in progress.
      ids.a4 = await live(w, { pb: byHand, severity: 'high', observedBefore: 2 * H });
      const t0 = Date.parse((await w.client.workflow.getHandle(`incident-${ids.a4}`).query(incidentStateQuery)).times.createdAt);
      await env.sleep(t0 + 23 * H - (await env.currentTimeMs()));
      const asOf = new Date(await env.currentTimeMs()).toISOString();
      // Read as the server reads them: each incident's latest run, through its state query.
      const read = await readStates(
        w.client,
        Object.values(ids).map((id) => `incident-${id}`),
        incidentStateQuery,
      );
      expect(read.unreadable).toEqual([]);
      return { report: incidentKpis(read.states, { since: windowStart, until: asOf, asOf }), ids };
    });

    expect(report.unit).toBe('minutes');
    expect(report.incidents).toBe(5);
    expect(report.excluded).toEqual({ dryRun: 1, falsePositive: 1, merged: 0, cancelled: 0 });
    const fig = (count: number, open: number, p50: number, p90: number, max: number) => ({ count, open, p50Minutes: p50, p90Minutes: p90, maxMinutes: max });
    const group = (pbId: string): IncidentKpis['groups'][number] => report.groups.find((g) => g.playbook === pbId)!;
    expect(report.groups.map((g) => [g.playbook, g.severity, g.incidents])).toEqual([
      ['kpi-auto', 'medium', 1],
      ['kpi-by-hand', 'high', 4],
    ]);
    // kpi-by-hand: MTTD 30, 60, 300, 120; MTTA 90, 80, 310 and one open; MTTC 150, 240, 360 and one open; MTTR 330, 1860, 660 and one open.
    expect(group('kpi-by-hand').figures).toEqual({ mttd: fig(4, 0, 60, 300, 300), mtta: fig(3, 1, 90, 310, 310), mttc: fig(3, 1, 240, 360, 360), mttr: fig(3, 1, 660, 1860, 1860) });
    // kpi-auto: observed 10 min before it was accepted; its containment applied at the peer as it opened.
    expect(group('kpi-auto').figures).toEqual({ mttd: fig(1, 0, 10, 10, 10), mtta: fig(1, 0, 15, 15, 15), mttc: fig(1, 0, 10, 10, 10), mttr: fig(1, 0, 50, 50, 50) });
    expect(report.overall).toEqual({ mttd: fig(5, 0, 60, 300, 300), mtta: fig(4, 1, 80, 310, 310), mttc: fig(4, 1, 150, 360, 360), mttr: fig(4, 1, 330, 1860, 1860) });
    expect(report.breaches).toEqual([
      { incidentId: ids.a2, playbook: 'kpi-by-hand', severity: 'high', metric: 'mttr', targetMinutes: 1440, measuredMinutes: 1860, overByMinutes: 420, inProgress: false },
      ...[
        { incidentId: ids.a3!, playbook: 'kpi-by-hand', severity: 'high', metric: 'mttd', targetMinutes: 240, measuredMinutes: 300, overByMinutes: 60, inProgress: false },
        { incidentId: ids.a4!, playbook: 'kpi-by-hand', severity: 'high', metric: 'mttr', targetMinutes: 1440, measuredMinutes: 1500, overByMinutes: 60, inProgress: true },
      ].sort((a, b) => a.incidentId.localeCompare(b.incidentId)),
    ]);
  }, 240_000);
});
