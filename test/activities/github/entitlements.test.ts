import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../peers/fake-github.js';
import { app, codeHost, ORG, seed, startGitHub } from './fixture.js';

describe('listEntitlements reads who holds what in the organization', () => {
  let gh: FakeGitHub | undefined;
  afterEach(async () => gh?.close());

  it('lists members with role, teams, outside and direct collaborators, invitations and token grants (as a GitHub App)', async () => {
    gh = await startGitHub();
    const entitlements = await codeHost(gh, { app }).listEntitlements();

    expect(entitlements).toEqual({
      org: ORG,
      members: [
        { login: 'warden-admin', role: 'admin' },
        { login: 'mallory', role: 'member' },
        { login: 'alice', role: 'member' },
      ],
      teams: [
        { slug: 'payments', name: 'Payments', members: ['mallory', 'alice'] },
        { slug: 'platform', name: 'Platform', members: ['alice'] },
      ],
      outsideCollaborators: ['ext-bob'],
      repositories: [
        {
          repo: `${ORG}/payments`,
          collaborators: [
            { login: 'mallory', permission: 'write' },
            { login: 'ext-bob', permission: 'read' },
          ],
        },
        { repo: `${ORG}/website`, collaborators: [{ login: 'ext-bob', permission: 'triage' }] },
      ],
      invitations: [
        { id: 9001, login: 'mallory-alt', email: null, role: 'direct_member' },
        { id: 9002, login: null, email: 'mallory@example.com', role: 'admin' },
        { id: 9003, login: 'carol', email: null, role: 'direct_member' },
      ],
      patGrants: [
        { id: 301, owner: 'mallory', tokenName: 'laptop', expiresAt: null },
        { id: 302, owner: 'mallory', tokenName: 'ci', expiresAt: null },
        { id: 303, owner: 'alice', tokenName: 'scripts', expiresAt: null },
      ],
      unavailable: [],
    });
    expect(gh.requests.filter((r) => r.method !== 'GET' && !r.route.startsWith('POST /app/'))).toEqual([]);
  });

  it('follows Link pagination past 100 members, 100 per page', async () => {
    const big = seed();
    for (let i = 0; i < 150; i++) big.members[`dev-${String(i).padStart(3, '0')}`] = 'member';
    gh = await startGitHub(big);
    const entitlements = await codeHost(gh).listEntitlements();

    expect(entitlements.members).toHaveLength(153);
    expect(entitlements.members.filter((m) => m.role === 'member')).toHaveLength(152);
    expect(entitlements.members.at(-1)).toEqual({ login: 'dev-149', role: 'member' });
    const memberPages = gh.requests.filter((r) => r.route === 'GET /orgs/{org}/members' && r.url.includes('role=member'));
    expect(memberPages.map((r) => new URL(r.url, gh?.baseUrl).searchParams.get('page'))).toEqual([null, '2']);
    expect(memberPages.map((r) => (r.body as unknown[]).length)).toEqual([100, 52]);
  });

  it('with a token (not an App), reports the token grants as unavailable and why, and lists the rest', async () => {
    gh = await startGitHub();
    const entitlements = await codeHost(gh).listEntitlements();

    expect(entitlements.patGrants).toBeNull();
    expect(entitlements.unavailable).toEqual([expect.stringMatching(/^patGrants: .*403.*organization_personal_access_tokens=read/)]);
    expect(entitlements.members).toHaveLength(3);
    expect(entitlements.outsideCollaborators).toEqual(['ext-bob']);
  });

  it('reads in batches: the organization without repositories, then a page of repositories at a time, adding up to the whole', async () => {
    gh = await startGitHub();
    const host = codeHost(gh, { app });
    const whole = await host.listEntitlements();
    const { repositories, ...orgPart } = whole;
    expect(await host.listOrgEntitlements()).toEqual(orgPart);
    expect(await host.listMembers()).toEqual(whole.members);
    const first = await host.listRepositoryPage({ page: 1, perPage: 1 });
    const second = await host.listRepositoryPage({ page: first.nextPage ?? 0, perPage: 1 });
    const third = await host.listRepositoryPage({ page: second.nextPage ?? 0, perPage: 1 });
    expect([first.nextPage, second.nextPage, third.nextPage]).toEqual([2, 3, undefined]);
    expect([...first.repositories, ...second.repositories, ...third.repositories]).toEqual(repositories);
  });
});
