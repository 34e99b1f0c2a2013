/**
 * What every alert adapter returns: the generic alert bodies it made (validated afterwards by
 * `parseAlert`, like any posted alert) and what it skipped, or why the payload is not one it reads.
 */
import type { IssueDetail } from '../alert-schema.js';

/** The outcome of normalizing one delivery: alert bodies and skips, or the problems with the payload. */
export type AdapterResult =
  | {
      readonly ok: true;
      /** Generic alert bodies, to be validated by parseAlert: each opens an incident or joins the open one. */
      readonly alerts: unknown[];
      /**
       * Generic alert bodies that only join the open incident of their correlation key and never
       * start one: resolved notifications and further events about an alert (GitHub validated,
       * a new location…). With no open incident they are answered "nothing to join".
       */
      readonly followUps?: unknown[];
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

/** The most of a sender's raw entry kept in `details.raw` (unknown fields included). */
export const RAW_MAX_BYTES = 32 * 1024;

/**
 * The sender's entry as it came, for `details.raw`: unknown and future fields are kept, not
 * refused. An entry larger than RAW_MAX_BYTES is replaced by a note of its size.
 */
export function rawOf(value: unknown): unknown {
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  return bytes <= RAW_MAX_BYTES ? value : { omitted: `${bytes} bytes, more than the ${RAW_MAX_BYTES} kept` };
}

/** `v` when it is a string that is an ISO 8601 date-time with a zone (what the generic alert takes). */
export function isoOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)) ? v : undefined;
}
