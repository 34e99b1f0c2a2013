import { describe, expect, it } from 'vitest';
import type { Person } from '../../contracts/directory.js';
import { DEFAULT_REVIEW_SETTINGS } from '../../config/reviews.js';
import { entitlementId } from '../../activities/reviews/policy/entitlement-id.js';
import { evaluateEntitlements, type EvaluationContext } from '../../activities/reviews/policy/evaluate.js';
import { loadAccessPolicy } from '../../activities/reviews/policy/load-policy.js';
import type { Entitlement, FindingKind, ReviewItem } from '../../contracts/review-types.js';

const NOW = new Date('2025-01-01T00:00:00Z');
const daysAgo = (n: number): string => new Date(NOW.getTime() - n * 86_400_000).toISOString();

const person = (p: Partial<Person> & { id: string }): Person => ({ name: p.id, email: `${p.id}@example.com`, aws: [], groups: [], roles: [], ...p });

const PEOPLE: readonly Person[] = [
  person({ id: 'alice', roles: ['mlops'], githubLogin: 'alice', aws: [{ account: '123456789012', userName: 'alice' }] }),
  person({ id: 'dana', manager: 'alice', roles: ['data-scientist'], githubLogin: 'Dana-ML', aws: [{ account: '123456789012', userName: 'dana-ml' }] }),
  person({ id: 'sam', manager: 'alice', roles: ['Data Scientist'], aws: [{ account: '123456789012', userName: 'sam' }] }),
  person({ id: 'erin', manager: 'alice', roles: ['auditor'], aws: [{ account: 'acme-prod', userName: 'erin' }] }),
  person({ id: 'pat', manager: 'alice', roles: ['application-developer', 'end-user'] }),
  person({ id: 'sec', roles: [] }),
];

const ctx: EvaluationContext = {
  policy: loadAccessPolicy('policy'),
  people: PEOPLE,
  settings: { ...DEFAULT_REVIEW_SETTINGS, fallbackReviewers: ['sec'] },
  now: NOW,
};

function ent(e: Omit<Entitlement, 'id' | 'grantedVia'> & { grantedVia?: string }): Entitlement {
  return { ...e, id: entitlementId(e), grantedVia: e.grantedVia ?? 'direct' };
}
const aws = (subject: string, kind: Entitlement['kind'], resource: string, extra: Partial<Entitlement> = {}): Entitlement =>
  ent({ system: 'aws', account: '123456789012', subject, kind, resource, permission: 'member', lastUsed: daysAgo(1), ...extra });
const gh = (subject: string, kind: Entitlement['kind'], resource: string, permission: string, grantedVia = 'direct'): Entitlement =>
  ent({ system: 'github', account: 'acme', subject, kind, resource, permission, grantedVia });
const syn = (subject: string, resource: string, permission: string): Entitlement =>
  ent({ system: 'synthetic', account: 'synthetic-org', subject, kind: 'synthetic-grant', resource, permission, lastUsed: daysAgo(1) });

function evaluateOne(e: Entitlement, c: Partial<EvaluationContext> = {}): ReviewItem {
  const [item] = evaluateEntitlements([e], { ...ctx, ...c });
  if (!item) return expect.unreachable('no item');
  return item;
}
const kinds = (item: ReviewItem): FindingKind[] => item.findings.map((f) => f.kind);
const detail = (item: ReviewItem, kind: FindingKind): string | undefined => item.findings.find((f) => f.kind === kind)?.detail;

describe('matrix evaluation: exceeds_role', () => {
  it('flags a data scientist holding AdministratorAccess, naming each asset, the level granted and the level allowed', () => {
    const item = evaluateOne(aws('dana-ml', 'iam-managed-policy', 'arn:aws:iam::aws:policy/AdministratorAccess', { permission: 'attached' }));
    expect(item.personId).toBe('dana');
    expect(item.grants).toEqual({ training_data: 'Admin', model_code: 'Admin', production_models: 'Admin', inference_api: 'Admin' });
    expect(kinds(item)).toEqual(['exceeds_role']);
    expect(detail(item, 'exceeds_role')).toBe(
      'grants Admin on Training Data, Admin on Model Code, Admin on Production Models, Admin on Inference API; data-scientist allows Read/Write on Training Data, Read/Write on Model Code, Read on Production Models, None on Inference API',
    );
  });

  it('does not flag a data scientist in the data-scientists group: it grants what the role allows', () => {
    const item = evaluateOne(aws('dana-ml', 'iam-group', 'data-scientists'));
    expect(item.grants).toEqual({ training_data: 'Read/Write', model_code: 'Read/Write', production_models: 'Read' });
    expect(item.findings).toEqual([]);
  });

  it('accepts a role named by its display name in the directory', () => {
    expect(evaluateOne(aws('sam', 'iam-group', 'data-scientists')).findings).toEqual([]);
    expect(kinds(evaluateOne(aws('sam', 'iam-group', 'mlops')))).toEqual(['exceeds_role']);
  });

  it('flags any grant above None for a person with no role of the matrix', () => {
    const item = evaluateOne(
      ent({
        system: 'aws',
        account: '123456789012',
        subject: 'erin',
        kind: 'iam-managed-policy',
        resource: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
        permission: 'attached',
        lastUsed: daysAgo(3),
        grantedVia: 'direct',
      }),
      {
        awsAccountAliases: { '123456789012': ['acme-prod'] },
      },
    );
    expect(item.personId).toBe('erin');
    expect(detail(item, 'exceeds_role')).toBe('grants Read on Training Data; erin holds no role of the access matrix, which allows None');
  });

  it('lets two roles together allow Read and Execute on the inference API, and nothing above', () => {
    expect(evaluateOne(syn('pat', 'inference-api/endpoint-1', 'read')).findings).toEqual([]);
    expect(evaluateOne(syn('pat', 'inference-api/endpoint-1', 'execute')).findings).toEqual([]);
    const write = evaluateOne(syn('pat', 'inference-api/endpoint-1', 'write'));
    expect(detail(write, 'exceeds_role')).toBe('grants Read/Write on Inference API; application-developer + end-user allow Read or Execute on Inference API');
  });

  it('grants nothing, and flags nothing, for an entitlement no rule maps', () => {
    const item = evaluateOne(aws('dana-ml', 'iam-inline-policy', 'scratch-bucket', { permission: 'inline' }));
    expect(item.grants).toEqual({});
    expect(item.findings).toEqual([]);
  });

  it('matches GitHub repository rules by permission and case-insensitively by name', () => {
    expect(evaluateOne(gh('dana-ml', 'github-repo', 'Acme/Model-Training', 'write'), { orgMembers: { acme: ['dana-ml'] } }).grants).toEqual({ model_code: 'Read/Write' });
    const admin = evaluateOne(gh('dana-ml', 'github-repo', 'acme/inference-gateway', 'admin'), { orgMembers: { acme: ['dana-ml'] } });
    expect(admin.personId).toBe('dana');
    expect(detail(admin, 'exceeds_role')).toBe('grants Admin on Inference API; data-scientist allows None on Inference API');
  });
});

describe('matrix evaluation: unused', () => {
  it('flags an entitlement last used more than 90 days ago', () => {
    const item = evaluateOne(aws('dana-ml', 'iam-group', 'data-scientists', { lastUsed: daysAgo(120) }));
    expect(item.findings).toEqual([{ kind: 'unused', detail: 'last used 2024-09-03, 120 days ago (more than 90)' }]);
  });

  it('flags an entitlement never used since it was created more than 90 days ago', () => {
    const item = evaluateOne(aws('dana-ml', 'iam-group', 'data-scientists', { lastUsed: undefined, createdAt: daysAgo(200) }));
    expect(item.findings).toEqual([{ kind: 'unused', detail: 'no recorded use since it was created 2024-06-15, 200 days ago (more than 90)' }]);
  });

  it('does not flag recent use, a recent creation, or an entitlement whose system reports neither', () => {
    expect(evaluateOne(aws('dana-ml', 'iam-group', 'data-scientists', { lastUsed: daysAgo(89) })).findings).toEqual([]);
    expect(evaluateOne(aws('dana-ml', 'iam-group', 'data-scientists', { lastUsed: undefined, createdAt: daysAgo(10) })).findings).toEqual([]);
    expect(evaluateOne(aws('dana-ml', 'iam-group', 'data-scientists', { lastUsed: undefined })).findings).toEqual([]);
  });
});

describe('matrix evaluation: stale_key', () => {
  const key = (status: string, created: number) => aws('dana-ml', 'iam-access-key', 'AKIAEXAMPLE', { permission: status, createdAt: daysAgo(created), lastUsed: daysAgo(2) });

  it('flags an active access key older than 90 days', () => {
    expect(evaluateOne(key('Active', 100)).findings).toEqual([{ kind: 'stale_key', detail: 'active access key created 2024-09-23, 100 days ago; rotate keys within 90 days' }]);
  });

  it('does not flag a young key, or an old key that is inactive', () => {
    expect(evaluateOne(key('Active', 30)).findings).toEqual([]);
    expect(evaluateOne(key('Inactive', 300)).findings).toEqual([]);
  });
});

describe('matrix evaluation: orphaned', () => {
  it('flags an account no person holds, and sends it to the fallback reviewer', () => {
    const item = evaluateOne(aws('ghost', 'iam-managed-policy', 'arn:aws:iam::aws:policy/AdministratorAccess', { permission: 'attached' }));
    expect(item.personId).toBeUndefined();
    expect(item.findings).toEqual([{ kind: 'orphaned', detail: 'no person in the directory holds IAM user ghost in 123456789012' }]);
    expect(item).toMatchObject({ reviewer: 'sec', reviewerBasis: 'fallback' });
  });

  it('does not find a person listed under another account unless the accounts are declared the same', () => {
    const erin = aws('erin', 'iam-group', 'data-scientists');
    expect(kinds(evaluateOne(erin))).toEqual(['orphaned']);
    expect(evaluateOne(erin, { awsAccountAliases: { 'acme-prod': ['123456789012'] } }).personId).toBe('erin');
  });

  it('finds GitHub accounts by login case-insensitively and synthetic subjects by person id', () => {
    expect(evaluateOne(gh('DANA-ml', 'github-team', 'data-scientists', 'member', 'team')).personId).toBe('dana');
    expect(evaluateOne(syn('dana', 'training-data/dataset-1', 'read')).personId).toBe('dana');
    expect(kinds(evaluateOne(syn('nobody', 'training-data/dataset-1', 'read')))).toEqual(['orphaned']);
  });
});

describe('matrix evaluation: external_collaborator', () => {
  const membership = [gh('Dana-ML', 'github-org-membership', 'acme', 'member', 'org-role'), gh('alice', 'github-org-membership', 'acme', 'admin', 'org-role')];

  it('flags an outside collaborator and their repository access, from the memberships in the same batch', () => {
    const items = evaluateEntitlements(
      [
        ...membership,
        gh('vendor-joe', 'github-outside-collaborator', 'acme', 'outside-collaborator'),
        gh('vendor-joe', 'github-repo', 'acme/model-training', 'read'),
        gh('dana-ml', 'github-repo', 'acme/model-training', 'write'),
      ],
      ctx,
    );
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get('github:acme:vendor-joe:github-outside-collaborator:acme')?.findings).toEqual([
      { kind: 'orphaned', detail: 'no person in the directory holds GitHub account vendor-joe in acme' },
      { kind: 'external_collaborator', detail: 'vendor-joe is an outside collaborator of acme' },
    ]);
    expect(detail(byId.get('github:acme:vendor-joe:github-repo:acme/model-training')!, 'external_collaborator')).toBe('vendor-joe holds read on acme/model-training without being a member of acme');
    expect(byId.get('github:acme:dana-ml:github-repo:acme/model-training')?.findings).toEqual([]);
  });

  it('takes the members from orgMembers when the batch holds no memberships, and does not count an invitation as membership', () => {
    const access = gh('dana-ml', 'github-repo', 'acme/model-training', 'write');
    expect(evaluateOne(access, { orgMembers: { acme: ['DANA-ML'] } }).findings).toEqual([]);
    const invited = evaluateEntitlements([membership[1]!, gh('dana-ml', 'github-org-membership', 'acme', 'direct_member', 'invitation'), access], ctx);
    expect(kinds(invited[2]!)).toEqual(['external_collaborator']);
  });

  it('does not flag direct repository access while the organization’s members are unknown', () => {
    expect(evaluateOne(gh('dana-ml', 'github-repo', 'acme/model-training', 'write')).findings).toEqual([]);
  });
});

describe('exceptions', () => {
  it('marks items matching every given field of an exception with its reason', () => {
    const settings = {
      ...ctx.settings,
      exceptions: [
        { system: 'aws' as const, subject: 'ci-*', reason: 'CI deploy identity, reviewed by platform' },
        { resource: 'acme/model-*', subject: 'vendor-*', reason: 'vendor contract until 2025-06' },
      ],
    };
    const [ci, vendor, other] = evaluateEntitlements(
      [
        aws('ci-deployer', 'iam-access-key', 'AKIACI', { permission: 'Active' }),
        gh('Vendor-Joe', 'github-repo', 'ACME/model-training', 'read'),
        gh('vendor-joe', 'github-repo', 'acme/inference-x', 'read'),
      ],
      { ...ctx, settings },
    );
    expect(ci?.exception).toBe('CI deploy identity, reviewed by platform');
    expect(vendor?.exception).toBe('vendor contract until 2025-06');
    expect(other && 'exception' in other).toBe(false);
  });
});
