/** A token bucket per key (alert source): `perMinute` sustained, bursts up to `burst`. In memory, per server process. */
export interface RateLimiter {
  /** Takes one token; returns the seconds to wait when none is left. */
  take(key: string, nowMs?: number): { ok: true } | { ok: false; retryAfterS: number };
}

export function createRateLimiter(perMinute: number, burst = perMinute): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return {
    take(key, nowMs = Date.now()) {
      const b = buckets.get(key) ?? { tokens: burst, at: nowMs };
      b.tokens = Math.min(burst, b.tokens + (nowMs - b.at) * ratePerMs);
      b.at = nowMs;
      buckets.set(key, b);
      if (buckets.size > 10_000) buckets.delete(buckets.keys().next().value!);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000)) };
    },
  };
}
