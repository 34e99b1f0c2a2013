/** `warden incidents show ID --follow`: the timeline as it grows, until the incident waits for a person or ends. */
import type { IncidentState } from '../../contracts/incident.js';
import type { TimelineEntry } from '../../contracts/timeline.js';
import { shortTime } from './format.js';

/** Statuses in which the incident waits for a person, or is over: following stops there. */
const STOPS: ReadonlySet<IncidentState['status']> = new Set(['awaiting-approval', 'waiting', 'resolved', 'closed', 'planned', 'failed', 'cancelled', 'false_positive', 'merged']);

/** Why following stops now, or undefined to go on. */
export function stopReason(s: IncidentState): string | undefined {
  if (s.awaiting) return `waits for ${s.awaiting === 'resolution' ? 'a person to resolve it' : 'its lessons'}`;
  if (!STOPS.has(s.status)) return undefined;
  return s.status === 'awaiting-approval' || s.status === 'waiting' ? `${s.status}: waits for a person` : `ended: ${s.status}`;
}

const line = (e: TimelineEntry): string => `${shortTime(e.at)}  ${e.event}${e.by ? `  (${e.by})` : ''}\n`;

export interface FollowOptions {
  readonly json: boolean;
  readonly intervalMs?: number;
  readonly write?: (text: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Reads the incident until it waits or ends, printing each timeline entry once, as it appears
 * (JSON lines with --json), then why it stopped. Resolves with the last state read.
 */
export async function followIncident(read: () => Promise<IncidentState>, o: FollowOptions): Promise<IncidentState> {
  const write = o.write ?? ((t: string) => void process.stdout.write(t));
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const seen = new Set<string>();
  for (;;) {
    const state = await read();
    for (const e of state.timeline) {
      const key = `${e.at}\u0000${e.event}\u0000${e.by ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      write(o.json ? `${JSON.stringify(e)}\n` : line(e));
    }
    const why = stopReason(state);
    if (why) {
      write(o.json ? `${JSON.stringify({ incidentId: state.incidentId, status: state.status, stopped: why })}\n` : `— incident ${state.incidentId} ${why}\n`);
      return state;
    }
    await sleep(o.intervalMs ?? 1000);
  }
}
