import { ACCESS_LEVELS, type AccessLevel } from '../../../contracts/review-types.js';

/**
 * The partial order of access levels (reviews/types.ts): None is below everything and Admin above
 * everything; Read/Write covers Read; Read and Execute do not cover each other, and Read/Write
 * does not cover Execute.
 *
 *            Admin
 *           /     \
 *     Read/Write   \
 *          |      Execute
 *        Read      /
 *           \     /
 *            None
 */
const BELOW: Readonly<Record<AccessLevel, ReadonlySet<AccessLevel>>> = {
  None: new Set(['None']),
  Read: new Set(['None', 'Read']),
  Execute: new Set(['None', 'Execute']),
  'Read/Write': new Set(['None', 'Read', 'Read/Write']),
  Admin: new Set(ACCESS_LEVELS),
};

/** Whether holding `allowed` already permits `granted`: true when granted is at or below allowed. */
export function covers(allowed: AccessLevel, granted: AccessLevel): boolean {
  return BELOW[allowed].has(granted);
}

/** Whether some level of `allowed` covers `granted`; an empty list allows only None. */
export function coveredByAny(allowed: readonly AccessLevel[], granted: AccessLevel): boolean {
  return granted === 'None' || allowed.some((a) => covers(a, granted));
}

/**
 * The maximal levels of a set: those no other member covers, in ACCESS_LEVELS order. What several
 * roles together allow on one asset, e.g. Read and Execute stay two levels (neither covers the
 * other) while Read and Read/Write become Read/Write. Empty input gives ['None'].
 */
export function maxLevels(levels: Iterable<AccessLevel>): AccessLevel[] {
  const set = new Set(levels);
  if (set.size === 0) return ['None'];
  return ACCESS_LEVELS.filter((l) => set.has(l) && ![...set].some((o) => o !== l && covers(o, l)));
}

/**
 * The least level covering both: the highest when they are comparable; Admin for Read (or
 * Read/Write) with Execute, the only level above both.
 */
export function joinLevels(a: AccessLevel, b: AccessLevel): AccessLevel {
  if (covers(a, b)) return a;
  if (covers(b, a)) return b;
  return 'Admin';
}
