/**
 * P2: alert → the first containment call seen at moto (UpdateAccessKey, noted by the recorder in
 * front of moto as it arrives), through the real HTTP intake and the shipped leaked-credential
 * playbook; baseline: a bare signalWithStart → its first activity's start.
 * P3: a storm of alerts over a set of fingerprints through the intake, as fast as it takes them
 * with a fixed number in flight, counted afterwards by query; baseline: bare signalWithStart.
 */
import { randomUUID } from 'node:crypto';
import { incidentStateQuery, incidentWorkflowId, type IncidentState } from '../contracts/incident.js';
import { freshRound, leakAlert } from './incidents.js';
import type { Intake } from './intake.js';
import { median, percentile, pool, round } from './stats.js';
import { TASK_QUEUE, type World } from './world.js';

async function until<T>(read: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`bench: ${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Rounds not counted, before the measured ones. */
const WARMUPS = 2;

export async function measureP2(world: World, intake: Intake, rounds: number) {
  const incident: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < rounds + WARMUPS; i++) {
    const r = await freshRound(world);
    const t = performance.now();
    const res = await intake.post(leakAlert(r));
    if (res.status !== 202 || !res.body.incidentId) throw new Error(`P2: the intake answered ${res.status}`);
    const at = await until(() => world.iamRecorder.arrivedAt('UpdateAccessKey', r.accessKeyId), 60_000, `UpdateAccessKey for ${r.accessKeyId}`);
    if (i >= WARMUPS) incident.push(at - t);
    await world.client.workflow.getHandle(incidentWorkflowId(res.body.incidentId)).terminate('bench round measured');

    const key = `p2-${randomUUID()}`;
    const b = performance.now();
    await world.client.workflow.signalWithStart('firstActivityWorkflow', { taskQueue: TASK_QUEUE, workflowId: key, args: [key], signal: 'bench.alert', signalArgs: [leakAlert(r)] });
    const started = await until(() => world.marks.get(key), 60_000, `the first activity of ${key}`);
    if (i >= WARMUPS) bare.push(started - b);
  }
  const f = (xs: number[]) => ({ p50: round(median(xs)), p99: round(percentile(xs, 99)) });
  const [inc, base] = [f(incident), f(bare)];
  const ratio = round(Math.max(inc.p50 / base.p50, inc.p99 / base.p99));
  return {
    ratio,
    goal: '≤ 1.5',
    pass: ratio <= 1.5,
    rounds,
    detection: 'a recorder in front of moto notes when the UpdateAccessKey request naming the key arrives (no polling of moto)',
    incident: { alertToDisableMs: inc, samples: incident.map((x) => round(x)) },
    baseline: { signalWithStartToFirstActivityMs: base, samples: bare.map((x) => round(x)) },
    ratios: { p50: round(inc.p50 / base.p50), p99: round(inc.p99 / base.p99) },
  };
}

export async function measureP3(world: World, intake: Intake, sizes: { alerts: number; fingerprints: number; inFlight: number }) {
  const run = randomUUID().slice(0, 8);
  const fp = (i: number) => `bench-storm-${run}-${i % sizes.fingerprints}`;
  const refused: number[] = [];
  const opened = new Set<string>();
  const failedBefore = await intake.auditAppendsFailed();
  const since = new Date().toISOString();
  const t = performance.now();
  await pool(sizes.alerts, sizes.inFlight, async (i) => {
    const res = await intake.post({ type: 'bench.storm', severity: 'medium', title: `storm alert ${i}`, source: 'bench', fingerprint: fp(i) });
    if (res.status !== 202) refused.push(res.status);
    if (res.status !== 202 && refused.length === 1) console.error(`P3: the intake refused an alert: ${res.status} ${JSON.stringify(res.body)}`);
    else if (res.body.incidentId) opened.add(res.body.incidentId);
  });
  const intakeSeconds = (performance.now() - t) / 1000;
  const auditAppendsFailed = (await intake.auditAppendsFailed()) - failedBefore;

  const b = performance.now();
  await pool(sizes.alerts, sizes.inFlight, async (i) => {
    await world.client.workflow.signalWithStart('alertSinkWorkflow', { taskQueue: TASK_QUEUE, workflowId: `bench-sink-${fp(i)}`, args: [], signal: 'bench.alert', signalArgs: [{ i }] });
  });
  const bareSeconds = (performance.now() - b) / 1000;

  // Counted by query: the incidents of this storm, by visibility, and the alerts each one kept.
  const ids = [...opened];
  const query = `WorkflowType = 'incidentWorkflow' AND WardenPlaybook = 'triage' AND StartTime >= '${since}'`;
  let visible = 0;
  for (let tries = 0; tries < 50; tries++) {
    visible = (await world.client.workflow.count(query)).count;
    if (visible >= sizes.fingerprints) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const states = await Promise.all(ids.map((id) => world.client.workflow.getHandle(incidentWorkflowId(id)).query<IncidentState>(incidentStateQuery)));
  const alertsKept = states.reduce((n, s) => n + s.alerts.count, 0);
  await Promise.all(ids.map((id) => world.client.workflow.getHandle(incidentWorkflowId(id)).terminate('bench storm counted')));
  await Promise.all(Array.from({ length: sizes.fingerprints }, (_, i) => world.client.workflow.getHandle(`bench-sink-${fp(i)}`).signal('bench.stop')));

  const intakeRate = sizes.alerts / intakeSeconds;
  const bareRate = sizes.alerts / bareSeconds;
  const ratio = round(intakeRate / bareRate);
  return {
    ratio,
    goal: '≥ 0.8, exactly one incident per fingerprint and every alert kept',
    pass: ratio >= 0.8 && visible === sizes.fingerprints && ids.length === sizes.fingerprints && alertsKept === sizes.alerts && refused.length === 0,
    ...sizes,
    incidentsCounted: visible,
    incidentIdsAnswered: ids.length,
    countedBy: `visibility count: ${query}`,
    alertsKept,
    alertsKeptBy: 'sum of alerts.count in each incident state query',
    refused: refused.length,
    auditAppendsFailed,
    intake: { seconds: round(intakeSeconds), perSecond: round(intakeRate) },
    baseline: { seconds: round(bareSeconds), perSecond: round(bareRate) },
  };
}
