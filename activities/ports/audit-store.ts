/**
 * Where the audit trail's batch files and head live (activities/providers/audit-store/). A batch
 * is written once under its name; writing the same name again with the same text is a no-op (an
 * activity retried after a crash), with other text an error. A missing object is `undefined`,
 * never empty text.
 */
export interface AuditStore {
  /** Where it is, for messages (a directory, a bucket). */
  readonly location: string;
  /** Writes an immutable object; the same text again is accepted, different text is refused. */
  putOnce(name: string, text: string): Promise<void>;
  /** Replaces a mutable object (the head) in one step. */
  replace(name: string, text: string): Promise<void>;
  get(name: string): Promise<string | undefined>;
  /** Every object name, sorted. */
  list(): Promise<string[]>;
}
