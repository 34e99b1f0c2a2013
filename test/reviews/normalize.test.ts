import { describe, expect, it } from 'vitest';
import type { Entitlements } from '../../activities/ports/code-host.js';
import type { IamEntitlements, IamUserEntitlements } from '../../activities/ports/iam.js';
import { normalizeAws } from '../../activities/reviews/normalize-aws.js';
import { normalizeGitHub } from '../../activities/reviews/normalize-github.js';

const user = (u: Partial<IamUserEntitlements> & { userName: string }): IamUserEntitlements => ({
  arn: `arn:aws:iam::123456789012:user/${u.userName}`,
  groups: [],
  attachedPolicies: [],
  inlinePolicies: [],
  accessKeys: [],
  loginProfile: null,
  mfaDevices: [],
  sshKeys: [],
  signingCertificates: [],
  serviceSpecificCredentials: [],
  unavailable: {},
  ...u,
});

describe('normalizing an IAM listing', () => {
  const iam: IamEntitlements = {
    users: [
      user({
        userName: 'dana-ml',
        createDate: '2024-01-10T00:00:00Z',
        passwordLastUsed: '2024-06-01T08:00:00Z',
        groups: ['data-scientists'],
        attachedPolicies: [{ name: 'AmazonS3ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }],
        inlinePolicies: ['scratch-bucket'],
        accessKeys: [
          { accessKeyId: 'AKIAOLD', status: 'Active', createDate: '2024-01-11T00:00:00Z', lastUsed: { date: '2024-06-01T00:00:00Z', service: 's3' } },
          { accessKeyId: 'AKIANEW', status: 'Inactive', createDate: '2024-05-01T00:00:00Z', lastUsed: { date: '2024-07-15T12:00:00Z' } },
          { accessKeyId: 'AKIANEVER', status: 'Active', createDate: '2024-07-01T00:00:00Z' },
        ],
        loginProfile: { createDate: '2024-01-12T00:00:00Z', passwordResetRequired: false },
        mfaDevices: [{ serialNumber: 'arn:aws:iam::123456789012:mfa/dana' }],
      }),
      user({ userName: 'ci-bot', groups: ['mlops'] }),
    ],
  };
  const items = normalizeAws('123456789012', iam);
  const byId = new Map(items.map((e) => [e.id, e]));

  it('makes one entitlement per group, managed policy, inline policy, access key and console password (nothing for MFA)', () => {
    expect(items.map((e) => e.id)).toEqual([
      'aws:123456789012:dana-ml:iam-group:data-scientists',
      'aws:123456789012:dana-ml:iam-managed-policy:arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      'aws:123456789012:dana-ml:iam-inline-policy:scratch-bucket',
      'aws:123456789012:dana-ml:iam-access-key:AKIAOLD',
      'aws:123456789012:dana-ml:iam-access-key:AKIANEW',
      'aws:123456789012:dana-ml:iam-access-key:AKIANEVER',
      'aws:123456789012:dana-ml:iam-login-profile:console-password',
      'aws:123456789012:ci-bot:iam-group:mlops',
    ]);
    expect(new Set(items.map((e) => e.id)).size).toBe(items.length);
  });

  it('records each access key with its own status and dates', () => {
    expect(byId.get('aws:123456789012:dana-ml:iam-access-key:AKIAOLD')).toEqual({
      id: 'aws:123456789012:dana-ml:iam-access-key:AKIAOLD',
      system: 'aws',
      account: '123456789012',
      subject: 'dana-ml',
      kind: 'iam-access-key',
      resource: 'AKIAOLD',
      permission: 'Active',
      lastUsed: '2024-06-01T00:00:00Z',
      createdAt: '2024-01-11T00:00:00Z',
      grantedVia: 'direct',
    });
    const never = byId.get('aws:123456789012:dana-ml:iam-access-key:AKIANEVER');
    expect(never?.lastUsed).toBeUndefined();
    expect(never?.createdAt).toBe('2024-07-01T00:00:00Z');
  });

  it('gives groups and policies the user’s latest use (key or console) and the user’s creation; the console password its own sign-in', () => {
    for (const kind of ['iam-group:data-scientists', 'iam-inline-policy:scratch-bucket']) {
      expect(byId.get(`aws:123456789012:dana-ml:${kind}`)).toMatchObject({ lastUsed: '2024-07-15T12:00:00Z', createdAt: '2024-01-10T00:00:00Z' });
    }
    expect(byId.get('aws:123456789012:dana-ml:iam-managed-policy:arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess')).toMatchObject({
      resource: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      permission: 'attached',
      lastUsed: '2024-07-15T12:00:00Z',
    });
    expect(byId.get('aws:123456789012:dana-ml:iam-login-profile:console-password')).toMatchObject({
      permission: 'password',
      createdAt: '2024-01-12T00:00:00Z',
      lastUsed: '2024-06-01T08:00:00Z',
    });
  });

  it("never makes Warden's own quarantine policy an item: it is context on the user's other entitlements", () => {
    const quarantineArn = 'arn:aws:iam::123456789012:policy/WardenQuarantine';
    const dana = iam.users[0]!;
    const quarantined = { ...dana, attachedPolicies: [...dana.attachedPolicies, { name: 'WardenQuarantine', arn: quarantineArn }] };
    const withQuarantine = normalizeAws('123456789012', { users: [quarantined] });
    expect(withQuarantine.map((e) => e.resource)).not.toContain(quarantineArn);
    expect(withQuarantine.map((e) => e.id)).toEqual(normalizeAws('123456789012', { users: [dana] }).map((e) => e.id));
    expect(withQuarantine.every((e) => e.context?.[0]?.startsWith('quarantined by Warden'))).toBe(true);
    expect(items.some((e) => e.context)).toBe(false);
  });

  it('leaves last use out for a user without any key use', () => {
    const bot = byId.get('aws:123456789012:ci-bot:iam-group:mlops');
    expect(bot).toMatchObject({ permission: 'member', grantedVia: 'direct' });
    expect(bot && 'lastUsed' in bot).toBe(false);
    expect(bot && 'createdAt' in bot).toBe(false);
  });
});

describe('normalizing a GitHub organization listing', () => {
  const gh: Entitlements = {
    org: 'acme',
    members: [
      { login: 'Dana-ML', role: 'member' },
      { login: 'alice', role: 'admin' },
    ],
    teams: [{ slug: 'data-scientists', name: 'Data Scientists', members: ['Dana-ML'] }],
    outsideCollaborators: ['vendor-joe'],
    repositories: [
      {
        repo: 'acme/model-training',
        collaborators: [
          { login: 'Dana-ML', permission: 'write' },
          { login: 'vendor-joe', permission: 'read' },
        ],
      },
      { repo: 'acme/inference-api', collaborators: [] },
    ],
    invitations: [
      { id: 1, login: 'newbie', email: null, role: 'direct_member' },
      { id: 2, login: null, email: 'contractor@example.com', role: 'direct_member' },
      { id: 3, login: 'alice', email: null, role: 'admin' },
    ],
    patGrants: [{ id: 77, owner: 'Dana-ML', tokenName: 'notebook sync', expiresAt: null }],
    unavailable: [],
  };
  const items = normalizeGitHub(gh);

  it('makes one entitlement per membership, invitation, team membership, repository access, outside collaborator and token grant', () => {
    expect(items.map((e) => [e.id, e.permission, e.grantedVia])).toEqual([
      ['github:acme:Dana-ML:github-org-membership:acme', 'member', 'org-role'],
      ['github:acme:alice:github-org-membership:acme', 'admin', 'org-role'],
      ['github:acme:newbie:github-org-membership:acme', 'direct_member', 'invitation'],
      ['github:acme:contractor@example.com:github-org-membership:acme', 'direct_member', 'invitation'],
      ['github:acme:Dana-ML:github-team:data-scientists', 'member', 'team'],
      ['github:acme:Dana-ML:github-repo:acme/model-training', 'write', 'direct'],
      ['github:acme:vendor-joe:github-repo:acme/model-training', 'read', 'direct'],
      ['github:acme:vendor-joe:github-outside-collaborator:acme', 'outside-collaborator', 'direct'],
      ['github:acme:Dana-ML:github-pat-grant:77', 'notebook sync', 'direct'],
    ]);
  });

  it('records no last use or creation: GitHub reports neither', () => {
    for (const e of items) {
      expect(e.system).toBe('github');
      expect(e.account).toBe('acme');
      expect('lastUsed' in e || 'createdAt' in e).toBe(false);
    }
  });

  it('makes no token grant entitlements when the grants could not be read', () => {
    expect(normalizeGitHub({ ...gh, patGrants: null }).some((e) => e.kind === 'github-pat-grant')).toBe(false);
  });
});
