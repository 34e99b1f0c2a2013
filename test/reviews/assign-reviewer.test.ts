import { describe, expect, it } from 'vitest';
import type { Person } from '../../contracts/directory.js';
import { DEFAULT_REVIEW_SETTINGS } from '../../config/reviews.js';
import { assignReviewer, NoReviewerError } from '../../activities/reviews/policy/assign-reviewer.js';
import { entitlementId } from '../../activities/reviews/policy/entitlement-id.js';
import { evaluateEntitlements } from '../../activities/reviews/policy/evaluate.js';
import { loadAccessPolicy } from '../../activities/reviews/policy/load-policy.js';
import type { Entitlement, ReviewSettings } from '../../contracts/review-types.js';

const person = (p: Partial<Person> & { id: string }): Person => ({ name: p.id, email: `${p.id}@example.com`, aws: [], groups: [], roles: ['data-scientist'], ...p });
const alice = person({ id: 'alice', roles: ['mlops'] });
const dana = person({ id: 'dana', manager: 'alice' });
const boss = person({ id: 'boss', manager: 'boss' });
const nomgr = person({ id: 'nomgr' });

function repo(resource: string): Entitlement {
  const base = { system: 'github' as const, account: 'acme', subject: 'dana-ml', kind: 'github-repo' as const, resource };
  return { ...base, id: entitlementId(base), permission: 'write', grantedVia: 'direct' };
}

const settings = (s: Partial<ReviewSettings>): ReviewSettings => ({ ...DEFAULT_REVIEW_SETTINGS, ...s });
const owners: ReviewSettings['owners'] = [
  { system: 'github', resource: 'acme/model-*', person: 'dana' },
  { system: 'github', resource: 'acme/model-*', person: 'mo' },
  { system: 'aws', resource: '*', person: 'aws-owner' },
  { resource: 'acme/training-*', person: 'tina' },
];

describe('reviewer assignment', () => {
  it('gives the item to the first matching owner who is not the subject’s person', () => {
    expect(assignReviewer(repo('acme/model-training'), dana, settings({ reviewer: 'owner', owners }))).toEqual({ reviewer: 'mo', reviewerBasis: 'owner' });
    expect(assignReviewer(repo('acme/model-training'), alice, settings({ reviewer: 'owner', owners }))).toEqual({ reviewer: 'dana', reviewerBasis: 'owner' });
    expect(assignReviewer(repo('acme/training-set'), dana, settings({ reviewer: 'owner', owners }))).toEqual({ reviewer: 'tina', reviewerBasis: 'owner' });
  });

  it('falls back to the manager when no owner rule matches (or owners are not the basis)', () => {
    expect(assignReviewer(repo('acme/docs'), dana, settings({ reviewer: 'owner', owners }))).toEqual({ reviewer: 'alice', reviewerBasis: 'manager' });
    expect(assignReviewer(repo('acme/model-training'), dana, settings({ reviewer: 'manager', owners }))).toEqual({ reviewer: 'alice', reviewerBasis: 'manager' });
  });

  it('uses the fallback reviewers in order, skipping the subject’s person, when there is no manager', () => {
    expect(assignReviewer(repo('acme/docs'), nomgr, settings({ fallbackReviewers: ['nomgr', 'sec', 'ciso'] }))).toEqual({ reviewer: 'sec', reviewerBasis: 'fallback' });
    expect(assignReviewer(repo('acme/docs'), undefined, settings({ fallbackReviewers: ['sec'] }))).toEqual({ reviewer: 'sec', reviewerBasis: 'fallback' });
  });

  it('never assigns the subject’s own person, not even as their own manager', () => {
    expect(assignReviewer(repo('acme/docs'), boss, settings({ fallbackReviewers: ['boss', 'sec'] }))).toEqual({ reviewer: 'sec', reviewerBasis: 'fallback' });
  });

  it('refuses with the item named when nobody is left, saying how to fix it', () => {
    const item = repo('acme/docs');
    expect(() => assignReviewer(item, nomgr, settings({ fallbackReviewers: ['nomgr'] }))).toThrow(
      'no reviewer for github:acme:dana-ml:github-repo:acme/docs: its holder nomgr is the only fallback reviewer and may not review their own access; list someone else in reviews.fallback_reviewers of warden.yaml',
    );
    expect(() => assignReviewer(item, undefined, settings({}))).toThrow(NoReviewerError);
    expect(() => assignReviewer(item, undefined, settings({}))).toThrow('nobody in the directory holds it and no fallback reviewer is configured');
  });

  it('is what the evaluation records on every item', () => {
    const [item] = evaluateEntitlements([repo('acme/model-training')], {
      policy: loadAccessPolicy('policy'),
      people: [alice, { ...dana, githubLogin: 'dana-ml' }],
      settings: settings({ reviewer: 'owner', owners }),
      now: new Date('2025-01-01T00:00:00Z'),
    });
    expect(item).toMatchObject({ personId: 'dana', reviewer: 'mo', reviewerBasis: 'owner' });
  });
});
