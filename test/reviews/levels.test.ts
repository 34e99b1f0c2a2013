import { describe, expect, it } from 'vitest';
import { covers, coveredByAny, joinLevels, maxLevels } from '../../activities/reviews/policy/levels.js';
import { ACCESS_LEVELS, type AccessLevel } from '../../contracts/review-types.js';

/** allowed → the granted levels it covers; every other pair is not covered. */
const COVERS: Readonly<Record<AccessLevel, readonly AccessLevel[]>> = {
  None: ['None'],
  Read: ['None', 'Read'],
  Execute: ['None', 'Execute'],
  'Read/Write': ['None', 'Read', 'Read/Write'],
  Admin: ['None', 'Read', 'Execute', 'Read/Write', 'Admin'],
};

describe('the partial order of access levels', () => {
  const pairs = ACCESS_LEVELS.flatMap((allowed) => ACCESS_LEVELS.map((granted) => ({ allowed, granted, expected: COVERS[allowed].includes(granted) })));

  it.each(pairs)('$allowed covers $granted: $expected', ({ allowed, granted, expected }) => {
    expect(covers(allowed, granted)).toBe(expected);
  });

  it('is a partial order: reflexive, antisymmetric, transitive', () => {
    for (const a of ACCESS_LEVELS) {
      expect(covers(a, a)).toBe(true);
      for (const b of ACCESS_LEVELS) {
        if (a !== b && covers(a, b)) expect(covers(b, a)).toBe(false);
        for (const c of ACCESS_LEVELS) if (covers(a, b) && covers(b, c)) expect(covers(a, c)).toBe(true);
      }
    }
  });

  it('keeps the maximal levels of several roles: Read with Execute stays both, Read with Read/Write is Read/Write', () => {
    expect(maxLevels(['Read', 'Execute'])).toEqual(['Read', 'Execute']);
    expect(maxLevels(['Read', 'Read/Write', 'None'])).toEqual(['Read/Write']);
    expect(maxLevels(['Execute', 'Admin'])).toEqual(['Admin']);
    expect(maxLevels([])).toEqual(['None']);
  });

  it('allows only None when no role gives anything', () => {
    expect(coveredByAny([], 'None')).toBe(true);
    expect(coveredByAny([], 'Read')).toBe(false);
    expect(coveredByAny(['Read', 'Execute'], 'Execute')).toBe(true);
    expect(coveredByAny(['Read', 'Execute'], 'Read/Write')).toBe(false);
  });

  it('joins two grants to the least level covering both', () => {
    expect(joinLevels('Read', 'Read/Write')).toBe('Read/Write');
    expect(joinLevels('None', 'Execute')).toBe('Execute');
    expect(joinLevels('Read', 'Execute')).toBe('Admin');
    expect(joinLevels('Read/Write', 'Execute')).toBe('Admin');
  });
});
