/**
 * npm run bench: what Warden costs on top of bare Temporal, P1 to P5 of issue #18, measured in one
 * run on one dev server (bench/world.ts), each against a baseline taken in the same run. Writes
 * bench/results.json and bench/results.md (or into BENCH_OUT). BENCH_QUICK=1: small sizes, to
 * keep the bench working in CI; its figures are not measurements.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { measureP1 } from './p1-overhead.js';
import { measureP2, measureP3 } from './p2-p3-intake.js';
import { measureP4 } from './p4-review.js';
import { measureP5 } from './p5-offboarding.js';
import { startIntake } from './intake.js';
import { writeResults } from './report.js';
import { machine } from './stats.js';
import { startWorld } from './world.js';

const env = (name: string, full: number, quick: number): number => Number(process.env[name] ?? (process.env.BENCH_QUICK === '1' ? quick : full));

export async function runBench(outDir: string): Promise<Record<string, Record<string, unknown>>> {
  const quick = process.env.BENCH_QUICK === '1';
  const m = machine();
  const world = await startWorld();
  const results: Record<string, Record<string, unknown> & { goal: string; pass: boolean }> = {};
  try {
    await world.worker.runUntil(async () => {
      const intake = await startIntake(world);
      try {
        const only = process.env.BENCH_ONLY?.split(',');
        const step = async (id: string, f: () => Promise<Record<string, unknown> & { goal: string; pass: boolean }>) => {
          if (only && !only.includes(id)) return;
          const t = performance.now();
          results[id] = await f();
          console.log(`${id} done in ${((performance.now() - t) / 1000).toFixed(1)} s: ${JSON.stringify(results[id])}`);
        };
        await step('P1', () =>
          measureP1(world, { rounds: env('BENCH_ROUNDS', 30, 2), inFlight: env('BENCH_CONCURRENCY', 20, 2), bursts: env('BENCH_BURSTS', 3, 1), warmups: env('BENCH_WARMUPS', 2, 1) }),
        );
        await step('P2', () => measureP2(world, intake, env('BENCH_P2_ROUNDS', 30, 2)));
        await step('P3', () =>
          measureP3(world, intake, { alerts: env('BENCH_STORM_ALERTS', 10_000, 40), fingerprints: env('BENCH_STORM_FINGERPRINTS', 100, 4), inFlight: env('BENCH_STORM_IN_FLIGHT', 32, 8) }),
        );
        await step('P5', () => measureP5(world, env('BENCH_P5_ROUNDS', 3, 1)));
        await step('P4', () =>
          measureP4(world, {
            entitlements: env('BENCH_REVIEW_ENTITLEMENTS', 1_000_000, 500),
            reviewers: env('BENCH_REVIEW_REVIEWERS', 10_000, 5),
            timeoutMinutes: env('BENCH_REVIEW_TIMEOUT_MIN', 25, 2),
          }),
        );
      } finally {
        await intake.close();
      }
    });
  } finally {
    await world.close();
  }
  const ordered = Object.fromEntries(['P1', 'P2', 'P3', 'P4', 'P5'].filter((id) => results[id]).map((id) => [id, results[id]!]));
  writeResults(outDir, ordered, m, quick);
  return ordered;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const out = process.env.BENCH_OUT ?? fileURLToPath(new URL('../../bench', import.meta.url));
  runBench(out).then(
    () => console.log(`results: ${out}/results.md, ${out}/results.json`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
