/**
 * The incidents this server recently saw open, by correlation key: a hint that lets a repeated
 * alert go to its incident in one call (signalWithStart) instead of three (look up the open one,
 * signal it, read back what it was). Never trusted on its own: the alert goes to the hinted
 * workflow id with a start that Temporal refuses for a closed incident (the id's reuse policy), and
 * the run it reached is compared with the hinted run. A closed incident or another run sends the
 * alert down the full path. Each server keeps its own; several servers need no agreement.
 */
export interface OpenIncidentHint {
  readonly incidentId: string;
  /** The run the hint was taken from: an alert that reaches another run is read back in full. */
  readonly runId: string;
  /** The playbook the incident was opened with (its memo, as the full path reads it). */
  readonly playbook: string;
}

export interface OpenIncidentHints {
  get(key: string): OpenIncidentHint | undefined;
  set(key: string, hint: OpenIncidentHint): void;
  forget(key: string): void;
}

export interface OpenIncidentHintOptions {
  /** Keys held at most; the least recently used goes first. */
  readonly max?: number;
  /** How long a hint is used after it was last confirmed. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/** The key of an alert's hint: dry runs and live incidents never share one. */
export const hintKey = (fingerprint: string, dryRun: boolean): string => `${dryRun ? 'dry' : 'live'}\n${fingerprint}`;

export function createOpenIncidentHints({ max = 10_000, ttlMs = 60_000, now = Date.now }: OpenIncidentHintOptions = {}): OpenIncidentHints {
  // A Map keeps insertion order: re-inserting on each confirmation keeps the oldest first.
  const hints = new Map<string, OpenIncidentHint & { readonly at: number }>();
  return {
    get(key) {
      const hint = hints.get(key);
      if (!hint) return undefined;
      if (now() - hint.at > ttlMs) {
        hints.delete(key);
        return undefined;
      }
      return { incidentId: hint.incidentId, runId: hint.runId, playbook: hint.playbook };
    },
    set(key, hint) {
      hints.delete(key);
      hints.set(key, { ...hint, at: now() });
      while (hints.size > max) hints.delete(hints.keys().next().value!);
    },
    forget(key) {
      hints.delete(key);
    },
  };
}
