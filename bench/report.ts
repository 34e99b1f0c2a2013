/** Writes bench/results.json (one key per id) and bench/results.md (the table, the machine, the caveats). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine } from './stats.js';

type Figure = Record<string, unknown> & { readonly goal: string; readonly pass: boolean };

const measured: Record<string, (f: Figure) => string> = {
  P1: (f) => {
    const p = (k: string) => f[k] as { ratios: Record<string, number>; incident: { latencyMs: { p50: number } }; baseline: { latencyMs: { p50: number } }; callsEqual: boolean };
    const line = (k: string) =>
      `${k}: latency p50 ×${p(k).ratios.latencyP50} (${p(k).incident.latencyMs.p50} vs ${p(k).baseline.latencyMs.p50} ms), p99 ×${p(k).ratios.latencyP99}, throughput cost ×${p(k).ratios.throughputCost}; calls ${p(k).callsEqual ? 'checked equal' : 'DIFFER'}`;
    return `×${f.ratio as number} (worst). ${line('leaked-credential')}; ${line('triage')}`;
  },
  P2: (f) => {
    const i = (f.incident as { alertToDisableMs: { p50: number; p99: number } }).alertToDisableMs;
    const b = (f.baseline as { signalWithStartToFirstActivityMs: { p50: number; p99: number } }).signalWithStartToFirstActivityMs;
    return `×${f.ratio as number} (worst of p50 ×${(f.ratios as { p50: number }).p50}, p99 ×${(f.ratios as { p99: number }).p99}): ${i.p50} / ${i.p99} ms against ${b.p50} / ${b.p99} ms`;
  },
  P3: (f) =>
    `×${f.ratio as number}: ${(f.intake as { perSecond: number }).perSecond}/s against ${(f.baseline as { perSecond: number }).perSecond}/s; ${f.alerts as number} alerts, ${f.incidentsCounted as number} incidents counted (of ${f.fingerprints as number}), ${f.alertsKept as number} alerts kept, ${f.refused as number} refused${typeof f.auditAppendsFailed === 'number' ? `, ${f.auditAppendsFailed} audit appends failed` : ''}`,
  P4: (f) =>
    `${f.entitlements as number} entitlements, ${f.reviewers as number} reviewers: ${f.completed ? 'completed' : 'NOT completed'} in ${f.wallSeconds as number} s; max history ${f.maxHistoryEvents as number} events over ${f.workflowRuns as number} runs; RSS ${f.rssMiB as number} MiB`,
  P5: (f) =>
    `×${f.ratio as number}: ${(f.offboarding as { medianMs: number }).medianMs} ms against ${(f.sequential as { medianMs: number }).medianMs} ms sequential (median of ${f.rounds as number}; ${f.credentials as number} credentials in ${f.offboardingItems as number} offboarding items, ${f.activityCalls as number} activity calls)`,
};

const WHAT: Record<string, string> = {
  P1: 'engine overhead: leaked-credential and triage, live against moto, no approvals, vs a hand-written workflow making the same activity calls',
  P2: 'alert → first containment call (UpdateAccessKey) seen at moto, p50/p99, vs bare signalWithStart → first activity start',
  P3: 'storm through the HTTP intake vs bare signalWithStart rate',
  P4: 'one access-review campaign (synthetic source)',
  P5: 'offboarding with credentials across AWS and GitHub vs the same calls sequentially',
};

export function writeResults(dir: string, results: Record<string, Figure>, m: Machine, quick: boolean): void {
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify({ machine: m, quick, ...results }, null, 2)}\n`);
  const rows = Object.entries(results).map(([id, f]) => `| ${id} | ${WHAT[id]} | ${f.goal} | ${measured[id]!(f)} | ${f.pass ? 'pass' : 'FAIL'} |`);
  const md = [
    `# Warden bench results${quick ? ' (BENCH_QUICK: small sizes, not a measurement)' : ''}`,
    '',
    `Measured ${m.date} by \`npm run bench\`, in one run on one Temporal dev server. Machine: ${m.cores} × ${m.cpus}, ${m.ramGiB} GiB RAM (${m.freeGiBAtStart} GiB free at start), load average at start ${m.loadAverageAtStart.join(' / ')}, Node ${m.node}, ${m.os}.`,
    '',
    m.loadAverageAtStart[0]! > m.cores
      ? `**The machine was loaded**: its load average at start (${m.loadAverageAtStart[0]}) exceeded its ${m.cores} cores, so other work shared them while this ran; absolute figures are noisy and pessimistic, and ratios between runs a few seconds apart carry that noise too.`
      : `The load average at start (${m.loadAverageAtStart[0]}) was within the machine's ${m.cores} cores.`,
    '',
    '| id | what | goal | measured | result |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    '## How each figure is taken',
    '',
    ...Object.entries(results).flatMap(([id, f]) => [
      `- **${id}**: ${Object.entries(f)
        .filter(([, v]) => typeof v === 'string' && v !== f.goal)
        .map(([k, v]) => `${k}: ${v as string}`)
        .join('; ')}`,
    ]),
    '- P1 throughput: incidents include the person part (resolve, lessons) the bench sends when accepted, so their rate carries up to a few ms per Update of waiting that the baseline does not have.',
    '',
    'Raw figures: bench/results.json.',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'results.md'), md);
}
