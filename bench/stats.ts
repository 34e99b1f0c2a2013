/** Figures for the bench: nearest-rank percentiles, timing, and the machine it ran on. */
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

/** The nearest-rank percentile p (0-100) of xs. */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const median = (xs: readonly number[]): number => percentile(xs, 50);
export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

/** Runs `fn` `rounds` times one after another; the milliseconds of each. */
export async function sequential(rounds: number, fn: (i: number) => Promise<number | void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const measured = await fn(i);
    out.push(typeof measured === 'number' ? measured : performance.now() - t);
  }
  return out;
}

/** Per second, with `inFlight` at once, over `bursts` bursts: the median rate. */
export async function throughput(inFlight: number, bursts: number, fn: (i: number) => Promise<unknown>): Promise<{ perSecond: number; bursts: number[] }> {
  const rates: number[] = [];
  for (let b = 0; b < bursts; b++) {
    const t = performance.now();
    await Promise.all(Array.from({ length: inFlight }, (_, i) => fn(b * inFlight + i)));
    rates.push(inFlight / ((performance.now() - t) / 1000));
  }
  return { perSecond: median(rates), bursts: rates.map((r) => round(r)) };
}

/** Runs `fn` over 0..n-1 with at most `limit` at once. */
export async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, lane));
}

export interface Machine {
  readonly cpus: string;
  readonly cores: number;
  readonly ramGiB: number;
  readonly freeGiBAtStart: number;
  readonly loadAverageAtStart: number[];
  readonly node: string;
  readonly os: string;
  readonly date: string;
}

export function machine(): Machine {
  const c = cpus();
  return {
    cpus: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    ramGiB: round(totalmem() / 2 ** 30, 1),
    freeGiBAtStart: round(freemem() / 2 ** 30, 1),
    loadAverageAtStart: loadavg().map((l) => round(l)),
    node: process.version,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString(),
  };
}
