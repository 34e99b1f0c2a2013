/**
 * The statistics of the KPIs (issue #16): nearest-rank percentiles over whole minutes. Pure and
 * sandbox-safe. Each figure is one of the measured values (no interpolation), so a p90 is a time
 * some incident really took.
 */

/** A measured duration in whole minutes, rounded down; undefined when either end is missing or unreadable. */
export function minutesBetween(from: string | undefined, to: string | undefined): number | undefined {
  const ms = msBetween(from, to);
  return ms === undefined ? undefined : Math.floor(ms / 60_000);
}

/** Milliseconds from one ISO time to another; undefined when either is missing or unreadable. */
export function msBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The nearest-rank percentile: the smallest value with at least `q` of the values at or below it
 * (`q` in (0, 1]); undefined for no values.
 */
export function percentile(values: readonly number[], q: number): number | undefined {
  if (!(q > 0 && q <= 1)) throw new RangeError(`percentile: q must be in (0, 1], got ${q}`);
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1];
}

/** p50, p90 and max of a set of durations in minutes, with how many there are (null when there are none). */
export interface Figures {
  readonly count: number;
  readonly p50Minutes: number | null;
  readonly p90Minutes: number | null;
  readonly maxMinutes: number | null;
}

export function figuresOf(values: readonly number[]): Figures {
  return {
    count: values.length,
    p50Minutes: percentile(values, 0.5) ?? null,
    p90Minutes: percentile(values, 0.9) ?? null,
    maxMinutes: values.length > 0 ? Math.max(...values) : null,
  };
}
