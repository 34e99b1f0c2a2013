import { describe, expect, it } from 'vitest';
import { DEFAULT_REVIEW_SETTINGS } from '../../config/reviews.js';
import { evaluateEntitlements } from '../../activities/reviews/policy/evaluate.js';
import { loadAccessPolicy } from '../../activities/reviews/policy/load-policy.js';
import { syntheticEntitlements, syntheticPeople, syntheticSubjectCount } from '../../activities/reviews/synthetic.js';

const NOW = new Date('2025-01-01T00:00:00Z');
const spec = { entitlements: 10_000, reviewers: 20, seed: 7 };

describe('the synthetic organization', () => {
  it('is deterministic: the same spec and now give the same people and entitlements', () => {
    expect(syntheticEntitlements(spec, 0, 500, NOW)).toEqual(syntheticEntitlements({ ...spec }, 0, 500, NOW.toISOString()));
    expect(syntheticPeople(spec)).toEqual(syntheticPeople({ ...spec }));
    expect(syntheticEntitlements({ ...spec, seed: 8 }, 0, 500, NOW)).not.toEqual(syntheticEntitlements(spec, 0, 500, NOW));
  });

  it('concatenates batches to the whole: [0,50) + [50,100) = [0,100), and any split of the full range', () => {
    expect([...syntheticEntitlements(spec, 0, 50, NOW), ...syntheticEntitlements(spec, 50, 100, NOW)]).toEqual(syntheticEntitlements(spec, 0, 100, NOW));
    const whole = syntheticEntitlements(spec, 0, spec.entitlements, NOW);
    const parts = [0, 1234, 3333, 7001, spec.entitlements].flatMap((start, i, cuts) => (i + 1 < cuts.length ? syntheticEntitlements(spec, start, cuts[i + 1]!, NOW) : []));
    expect(parts).toEqual(whole);
    expect(syntheticEntitlements(spec, 9_990, 20_000, NOW)).toHaveLength(10);
  });

  it('gives about 100 entitlements per subject, unique ids, and every reviewer a subject to review', () => {
    const whole = syntheticEntitlements(spec, 0, spec.entitlements, NOW);
    expect(whole).toHaveLength(10_000);
    expect(new Set(whole.map((e) => e.id)).size).toBe(10_000);
    expect(syntheticSubjectCount(spec)).toBe(100);
    expect(new Set(whole.map((e) => e.subject)).size).toBe(100);
    const people = syntheticPeople(spec);
    const reviewers = people.filter((p) => p.id.startsWith('mgr-'));
    expect(reviewers).toHaveLength(20);
    const managers = new Set(people.filter((p) => p.id.startsWith('user-')).map((p) => p.manager));
    expect([...managers].sort()).toEqual(reviewers.map((r) => r.id).sort());
    expect(whole.every((e) => e.system === 'synthetic' && e.kind === 'synthetic-grant' && e.createdAt !== undefined)).toBe(true);
  });

  it('yields every finding a synthetic organization can have, with every item assigned to someone other than its holder', () => {
    const people = syntheticPeople(spec);
    const items = evaluateEntitlements(syntheticEntitlements(spec, 0, spec.entitlements, NOW), {
      policy: loadAccessPolicy('policy'),
      people,
      settings: { ...DEFAULT_REVIEW_SETTINGS, fallbackReviewers: ['mgr-00000'] },
      now: NOW,
    });
    const count = (kind: string) => items.filter((i) => i.findings.some((f) => f.kind === kind)).length;
    expect(items.every((i) => Object.keys(i.grants).length > 0)).toBe(true);
    expect(count('orphaned')).toBe(200);
    expect(count('exceeds_role')).toBeGreaterThan(0);
    expect(count('exceeds_role')).toBeLessThan(100);
    expect(count('unused')).toBeGreaterThan(500);
    expect(count('unused')).toBeLessThan(3000);
    expect(items.filter((i) => i.findings.length === 0).length).toBeGreaterThan(7000);
    expect(items.every((i) => i.reviewer !== i.personId)).toBe(true);
    expect(new Set(items.map((i) => i.reviewer)).size).toBe(20);
  });

  // Memory stays bounded because a call keeps nothing: each batch is dropped before the next.
  it('generates a million entitlements for 10,000 reviewers batch by batch', { timeout: 120_000 }, () => {
    const big = { entitlements: 1_000_000, reviewers: 10_000, seed: 3 };
    let n = 0;
    let last = '';
    for (let start = 0; start < big.entitlements; start += 50_000) {
      const batch = syntheticEntitlements(big, start, start + 50_000, NOW);
      n += batch.length;
      last = batch[batch.length - 1]!.id;
    }
    expect(n).toBe(1_000_000);
    expect(last).toMatch(/^synthetic:synthetic-org:user-009999:synthetic-grant:/);
    expect(syntheticPeople(big)).toHaveLength(10_000 + 10_000 - 10);
  });
});
