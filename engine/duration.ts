/** Durations in playbooks: an integer and a unit, e.g. "500ms", "30s", "15m", "4h", "7d". */
export const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration string; throws on anything else. */
export function durationMs(value: string): number {
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) throw new Error(`"${value}" is not a duration; use a number and ms, s, m, h or d, e.g. "15m"`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
