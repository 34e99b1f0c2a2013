/**
 * P1, engine overhead: live incidents of the leaked-credential and triage playbooks (approvals
 * removed) against moto and the Slack fake, against a hand-written workflow that makes exactly
 * the activity calls one incident made (decoded from its history; fresh ids each round), on the
 * same worker and data converter. The bench checks that a baseline run's decoded calls equal an
 * incident run's, ids and ISO times masked.
 */
import { randomUUID } from 'node:crypto';
import type { RecordedCall } from './baseline-workflows.js';
import { firstDifference, historyOf, normalized, recordedCalls, substitute } from './history.js';
import { freshRound, historyShape, leakAlert, personWaitMs, resolveAndClose, startIncident, withoutApprovals, type Round } from './incidents.js';
import { median, percentile, round, sequential, throughput } from './stats.js';
import { TASK_QUEUE, type World } from './world.js';
import type { Alert } from '../contracts/incident.js';
import { incidentWorkflowId } from '../contracts/incident.js';

export interface P1Sizes {
  readonly rounds: number;
  readonly inFlight: number;
  readonly bursts: number;
  readonly warmups: number;
}

interface Kind {
  readonly latencyMs: number[];
  readonly throughput: { perSecond: number; bursts: number[] };
}

const triageAlert = (r: Round): Alert => ({ type: 'bench.unmatched', severity: 'medium', title: `unmatched alert for ${r.userName}`, source: 'bench', fingerprint: `bench-triage-${r.incidentId}` });

async function playbookFigures(world: World, id: 'leaked-credential' | 'triage', sizes: P1Sizes) {
  const loaded = withoutApprovals(id);
  const alertOf = id === 'triage' ? triageAlert : leakAlert;
  const incident = async (r: Round): Promise<number> => {
    const t = performance.now();
    await resolveAndClose(await startIncident(world, loaded, r, alertOf(r)));
    return performance.now() - t - (await personWaitMs(world, incidentWorkflowId(r.incidentId)));
  };
  // The template: one incident's calls, replayed with each round's ids.
  const first = await freshRound(world);
  await incident(first);
  const template: RecordedCall[][] = await recordedCalls(world.client, await historyOf(world.client, incidentWorkflowId(first.incidentId)));
  const baselineId = (r: Round) => `bench-baseline-${r.incidentId}`;
  const baseline = async (r: Round): Promise<number> => {
    const map = Object.fromEntries(Object.entries(first.ids).map(([from, role]) => [from, Object.entries(r.ids).find(([, rr]) => rr === role)![0]]));
    const groups = substitute(template, map);
    const t = performance.now();
    await world.client.workflow.execute('replayCallsWorkflow', { taskQueue: TASK_QUEUE, workflowId: baselineId(r), args: [{ groups }] });
    return performance.now() - t;
  };
  const rounds = async (n: number) => Promise.all(Array.from({ length: n }, () => freshRound(world)));
  for (const r of await rounds(sizes.warmups)) await incident(r);
  for (const r of await rounds(sizes.warmups)) await baseline(r);

  const figures: Record<'incident' | 'baseline', Kind> = {} as never;
  const last: Record<'incident' | 'baseline', Round | undefined> = { incident: undefined, baseline: undefined };
  for (const [name, run] of [
    ['incident', incident],
    ['baseline', baseline],
  ] as const) {
    const rs = await rounds(sizes.rounds);
    const latencyMs = await sequential(rs.length, (i) => run(rs[i]!));
    last[name] = rs.at(-1);
    const burstRounds = await rounds(sizes.inFlight * sizes.bursts);
    figures[name] = { latencyMs, throughput: await throughput(sizes.inFlight, sizes.bursts, (i) => run(burstRounds[i]!)) };
  }
  // The check: the calls a baseline run made, decoded from its history, equal an incident run's.
  const incidentHistory = await historyOf(world.client, incidentWorkflowId(last.incident!.incidentId));
  const baselineHistory = await historyOf(world.client, baselineId(last.baseline!));
  const incidentCalls = normalized(await recordedCalls(world.client, incidentHistory), last.incident!.ids);
  const baselineCalls = normalized(await recordedCalls(world.client, baselineHistory), last.baseline!.ids);
  const difference = firstDifference(incidentCalls, baselineCalls);
  const calls = template.flat().length;
  console.log(`P1 ${id}: the baseline's decoded activity calls ${difference ? `DIFFER from the incident's ${difference}` : `equal the incident's (${calls} calls: types, arguments, options)`}`);

  const summary = (k: Kind) => ({ p50: round(median(k.latencyMs)), p99: round(percentile(k.latencyMs, 99)), perSecond: round(k.throughput.perSecond), bursts: k.throughput.bursts });
  const inc = summary(figures.incident);
  const base = summary(figures.baseline);
  return {
    activityCalls: calls,
    activityTypes: [...new Set(template.flat().map((c) => c.activityType))],
    callsEqual: !difference,
    callsCheckedBy: 'ActivityTaskScheduled events of the last incident round and the last baseline round, decoded: type, arguments, options; per-round ids, ISO times, SHA-256s and Slack ts masked',
    history: { incident: historyShape(incidentHistory), baseline: historyShape(baselineHistory) },
    ...(difference ? { callsDifference: difference } : {}),
    incident: { latencyMs: { p50: inc.p50, p99: inc.p99 }, perSecond: inc.perSecond, bursts: inc.bursts },
    baseline: { latencyMs: { p50: base.p50, p99: base.p99 }, perSecond: base.perSecond, bursts: base.bursts },
    ratios: { latencyP50: round(inc.p50 / base.p50), latencyP99: round(inc.p99 / base.p99), throughputCost: round(base.perSecond / inc.perSecond) },
  };
}

/** P1's figures; `ratio` is the worst of every playbook's latency p50, p99 and throughput cost (baseline rate ÷ incident rate). */
export async function measureP1(world: World, sizes: P1Sizes) {
  const leaked = await playbookFigures(world, 'leaked-credential', sizes);
  const triage = await playbookFigures(world, 'triage', sizes);
  const ratio = Math.max(...[leaked, triage].flatMap((p) => Object.values(p.ratios)));
  return {
    ratio,
    goal: '≤ 1.10',
    pass: ratio <= 1.1 && leaked.callsEqual && triage.callsEqual,
    sizes: { ...sizes, run: randomUUID().slice(0, 8) },
    person: 'resolve and lessons sent by the bench as soon as the incident accepts them (retried every 5 ms); the wait for them, read in the history, is subtracted from the incident latency',
    peers: 'moto (IAM) through the recorder; Slack: the test/peers Slack fake over HTTP; email: the alert names no email, so ask_owner_to_rotate is skipped by its when',
    'leaked-credential': leaked,
    triage,
  };
}
