import { nowIso } from './time.js';

/** One line of a workflow's timeline: what happened, when, and who did it where a person did. */
export interface TimelineEntry {
  readonly at: string;
  readonly event: string;
  readonly by?: string;
}

/** Appends an event at the current (workflow) time. */
export function appendTimeline(timeline: TimelineEntry[], event: string, by?: string): void {
  timeline.push({ at: nowIso(), event, ...(by ? { by } : {}) });
}
