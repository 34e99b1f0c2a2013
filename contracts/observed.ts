/**
 * What a step's action read at its peer: the state before the change, and the state read back
 * after it, never the state asked for. When nothing needed to change, `after` is the same read as
 * `before`. A dry run changes nothing and has no `after`.
 */
export interface ObservedState {
  readonly before: unknown;
  readonly after?: unknown;
}
