import { MAX_SKEW_S } from './webhook-signature.js';

/**
 * Delivery ids seen within the replay window, so that a captured request is accepted once.
 *
 * Per server process, in memory: a restart, or a second server behind a load balancer, forgets
 * them. That is a first line only. The durable guard is in Temporal: an alert reaches an incident
 * through signalWithStart on a workflow id derived from its fingerprint, so a replay that gets
 * past this memory joins the same incident and never starts a second one.
 */
export interface DeliveryMemory {
  /** `new` records the key; `duplicate`: seen within the window; `full`: too many to remember, refuse. */
  claim(key: string, nowMs?: number): 'new' | 'duplicate' | 'full';
  /** Forgets a key whose request failed, so that the sender's retry is not taken for a replay. */
  release(key: string): void;
}

/** A timestamp is good for 5 minutes either side of now: remember an id for both sides, and a minute more. */
export const REPLAY_WINDOW_MS = (2 * MAX_SKEW_S + 60) * 1000;

export function createDeliveryMemory(windowMs = REPLAY_WINDOW_MS, max = 100_000): DeliveryMemory {
  /** Insertion order is claim order, so the oldest (first to expire) come first. */
  const seen = new Map<string, number>();
  return {
    claim(key, nowMs = Date.now()) {
      for (const [k, expires] of seen) {
        if (expires > nowMs) break;
        seen.delete(k);
      }
      const expires = seen.get(key);
      if (expires !== undefined && expires > nowMs) return 'duplicate';
      // Never forget an id early to make room: that would reopen the replay.
      if (seen.size >= max) return 'full';
      seen.set(key, nowMs + windowMs);
      return 'new';
    },
    release(key) {
      seen.delete(key);
    },
  };
}
