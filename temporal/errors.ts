/** gRPC status codes that mean "not now" rather than "no": UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE. */
const UNAVAILABLE = new Set<number>([2, 4, 8, 10, 13, 14]);

/** True when Temporal could not take the request (the caller should retry), as opposed to refusing it. */
export function isTemporalUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number' && UNAVAILABLE.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
