/** What every provider change reports: whether it acted, and the state before and after. */
export interface ChangeResult {
  readonly changed: boolean;
  readonly plan: readonly string[];
  /** The state read at the peer before the change. */
  readonly before: unknown;
  /** The state after: see `afterFrom`. Same shape as `before`. */
  readonly after: unknown;
  /**
   * Where `after` comes from. `peer`: read at the peer after the change, or, when nothing needed
   * to change, the state read before (nothing was done). `plan`: the state the plan would leave
   * (a dry run), never shown as observed. Absent: not read back.
   */
  readonly afterFrom?: 'peer' | 'plan';
  readonly output?: Readonly<Record<string, unknown>>;
}
