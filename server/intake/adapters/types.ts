/**
 * What every alert adapter returns: the generic alert bodies it made (validated afterwards by
 * `parseAlert`, like any posted alert) and what it skipped, or why the payload is not one it reads.
 */
import type { IssueDetail } from '../alert-schema.js';

/** The outcome of normalizing one delivery: alert bodies and skips, or the problems with the payload. */
export type AdapterResult =
  | {
      readonly ok: true;
      /** Generic alert bodies, to be validated by parseAlert. */
      readonly alerts: unknown[];
      /** Entries that were understood but open no incident (resolved alerts, other actions, pings). */
      readonly skipped: { reason: string }[];
    }
  | { readonly ok: false; readonly details: IssueDetail[] };

/** A copy of `o` without its undefined fields, so absent optionals stay absent in the alert. */
export function compact<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** True for a non-null, non-array object. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `o`, or undefined when it has no fields. */
export const nonEmpty = <T extends object>(o: T): T | undefined => (Object.keys(o).length > 0 ? o : undefined);
