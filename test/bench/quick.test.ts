import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run.js';

/**
 * The bench at its BENCH_QUICK size, so that it keeps working: every id is measured and written
 * with numeric figures. Timing is not asserted (the goals are the bench's business, on a quiet
 * machine); what a run must get right is: P1's replayed calls equal the incident's, P3 counts
 * one incident per fingerprint and every alert, P4's campaign completes, P5 offboards 20 credentials.
 */
describe('npm run bench, BENCH_QUICK', () => {
  it('writes results.json with P1 to P5 and results.md with the table and the machine', async () => {
    const out = mkdtempSync(join(tmpdir(), 'warden-bench-out-'));
    process.env.BENCH_QUICK = '1';
    try {
      await runBench(out);
    } finally {
      delete process.env.BENCH_QUICK;
    }
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    const num = (v: unknown) => expect(typeof v === 'number' && Number.isFinite(v), String(v)).toBe(true);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['P1', 'P2', 'P3', 'P4', 'P5']));
    expect(json.quick).toBe(true);

    const p1 = json.P1 as Record<
      string,
      { callsEqual: boolean; incident: { latencyMs: { p50: number; p99: number }; perSecond: number }; baseline: { latencyMs: { p50: number } }; ratios: Record<string, number> }
    > & { ratio: number };
    num(p1.ratio);
    for (const playbook of ['leaked-credential', 'triage']) {
      expect(p1[playbook]!.callsEqual).toBe(true);
      for (const v of [
        p1[playbook]!.incident.latencyMs.p50,
        p1[playbook]!.incident.latencyMs.p99,
        p1[playbook]!.incident.perSecond,
        p1[playbook]!.baseline.latencyMs.p50,
        ...Object.values(p1[playbook]!.ratios),
      ])
        num(v);
    }

    const p2 = json.P2 as { ratio: number; incident: { samples: number[] }; baseline: { samples: number[] } };
    num(p2.ratio);
    expect(p2.incident.samples.length).toBeGreaterThan(0);
    p2.incident.samples.concat(p2.baseline.samples).forEach(num);

    const p3 = json.P3 as { ratio: number; alerts: number; fingerprints: number; incidentsCounted: number; alertsKept: number; refused: number };
    num(p3.ratio);
    expect(p3).toMatchObject({ incidentsCounted: p3.fingerprints, alertsKept: p3.alerts, refused: 0 });

    const p4 = json.P4 as { completed: boolean; maxHistoryEvents: number; rssMiB: number; wallSeconds: number };
    expect(p4.completed).toBe(true);
    for (const v of [p4.maxHistoryEvents, p4.rssMiB, p4.wallSeconds]) num(v);
    expect(p4.maxHistoryEvents).toBeGreaterThan(0);

    const p5 = json.P5 as { ratio: number; credentials: number; offboardingItems: number; offboarding: { medianMs: number }; sequential: { medianMs: number } };
    for (const v of [p5.ratio, p5.offboarding.medianMs, p5.sequential.medianMs]) num(v);
    expect(p5.credentials).toBe(20);
    expect(p5.offboardingItems).toBeGreaterThan(0);

    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toContain('| id | what | goal | measured | result |');
    for (const id of ['P1', 'P2', 'P3', 'P4', 'P5']) expect(md).toMatch(new RegExp(`^\\| ${id} \\|`, 'm'));
    expect(md).toContain(`Node ${process.version}`);
    expect(md).toMatch(/load average at start/);
  }, 300_000);
});
