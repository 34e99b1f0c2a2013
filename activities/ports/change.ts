/** What every provider change reports: whether it acted, and the state before and after. */
export interface ChangeResult {
  readonly changed: boolean;
  readonly plan: readonly string[];
  readonly before: unknown;
  readonly after: unknown;
  readonly output?: Readonly<Record<string, unknown>>;
}
