import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeResult, CodeHost } from '../../../activities/ports.js';
import type { FakeGitHub, FakeGitHubState } from '../../peers/fake-github.js';
import { app, codeHost, ORG, startGitHub } from './fixture.js';

interface Case {
  readonly name: string;
  readonly asApp?: boolean;
  readonly run: (host: CodeHost, dryRun: boolean) => Promise<ChangeResult>;
  readonly plan: readonly string[];
  readonly output?: Record<string, unknown>;
  /** The effect, read from the fake's state, including that nobody else was touched. */
  readonly effect: (state: FakeGitHubState, gh: FakeGitHub) => void;
}

const cases: readonly Case[] = [
  {
    name: 'removeOrgMember removes the member from the organization and its teams',
    run: (host, dryRun) => host.removeOrgMember({ login: 'mallory', dryRun }),
    plan: ['remove mallory (member, membership active) from organization acme-corp and all its teams'],
    effect: (s) => {
      expect(Object.keys(s.members).sort()).toEqual(['alice', 'warden-admin']);
      expect(s.teams.map((t) => t.members)).toEqual([['alice'], ['alice']]);
    },
  },
  {
    name: 'removeTeamMember removes the member from one team only, and keeps them in the organization',
    run: (host, dryRun) => host.removeTeamMember({ login: 'alice', team: 'payments', dryRun }),
    plan: ['remove alice from team payments of organization acme-corp'],
    effect: (s) => {
      expect(s.teams.map((t) => [t.slug, t.members])).toEqual([
        ['payments', ['mallory']],
        ['platform', ['alice']],
      ]);
      expect(s.members.alice).toBe('member');
    },
  },
  {
    name: 'removeOutsideCollaborator removes the collaborator from every repository',
    run: (host, dryRun) => host.removeOutsideCollaborator({ login: 'ext-bob', dryRun }),
    plan: ['remove outside collaborator ext-bob from every repository of organization acme-corp'],
    effect: (s, gh) => {
      expect(gh.outsideCollaborators()).toEqual([]);
      expect(s.repos.payments?.collaborators).toEqual({ mallory: 'write' });
    },
  },
  {
    name: 'revokePatGrants revokes every fine-grained token grant of the person (as a GitHub App)',
    asApp: true,
    run: (host, dryRun) => host.revokePatGrants({ login: 'mallory', dryRun }),
    plan: ['revoke fine-grained token grant 301 ("laptop") of mallory on organization acme-corp', 'revoke fine-grained token grant 302 ("ci") of mallory on organization acme-corp'],
    output: { grantIds: [301, 302] },
    effect: (s) => expect(s.patGrants).toEqual([{ id: 303, owner: 'alice', tokenName: 'scripts' }]),
  },
  {
    name: 'removeSsoAuthorizations removes every SAML SSO credential authorization of the person',
    run: (host, dryRun) => host.removeSsoAuthorizations({ login: 'mallory', dryRun }),
    plan: [
      'remove the SAML SSO authorization of personal access token 701 of mallory for organization acme-corp',
      'remove the SAML SSO authorization of SSH key 702 of mallory for organization acme-corp',
    ],
    output: { credentialIds: [701, 702] },
    effect: (s) => expect(s.credentialAuthorizations.map((c) => c.credentialId)).toEqual([703]),
  },
  {
    name: 'removeRepoCollaborator removes direct access to one repository only',
    run: (host, dryRun) => host.removeRepoCollaborator({ repo: `${ORG}/payments`, login: 'mallory', dryRun }),
    plan: ["remove mallory's direct write access to repository acme-corp/payments"],
    effect: (s) => {
      expect(s.repos.payments?.collaborators).toEqual({ 'ext-bob': 'read' });
      expect(s.members.mallory).toBe('member');
    },
  },
  {
    name: 'deleteDeployKey deletes that key and no other',
    run: (host, dryRun) => host.deleteDeployKey({ repo: `${ORG}/payments`, keyId: 501, dryRun }),
    plan: ['delete deploy key 501 ("ci deploy", read-write) of repository acme-corp/payments'],
    effect: (s) => expect(s.repos.payments?.deployKeys.map((k) => k.id)).toEqual([502]),
  },
  {
    name: 'cancelInvitations cancels the invitations to the login and to the email',
    run: (host, dryRun) => host.cancelInvitations({ login: 'mallory-alt', email: 'mallory@example.com', dryRun }),
    plan: ['cancel invitation 9001 of mallory-alt (direct_member) to organization acme-corp', 'cancel invitation 9002 of mallory@example.com (admin) to organization acme-corp'],
    output: { invitationIds: [9001, 9002] },
    effect: (s) => expect(s.invitations.map((i) => i.id)).toEqual([9003]),
  },
];

describe('GitHub removals through the real Octokit client against the fake GitHub', () => {
  let gh: FakeGitHub | undefined;
  afterEach(async () => gh?.close());

  for (const c of cases) {
    it(`${c.name}; the dry run plans exactly that and changes nothing; a second run has nothing to do`, async () => {
      gh = await startGitHub();
      const host = codeHost(gh, c.asApp ? { app } : undefined);
      const untouched = structuredClone(gh.state);

      const planned = await c.run(host, true);
      expect(gh.state).toEqual(untouched);
      expect(gh.requests.filter((r) => r.method !== 'GET' && !r.route.startsWith('POST /app/'))).toEqual([]);
      expect(planned).toMatchObject({ changed: false, plan: c.plan, ...(c.output ? { output: c.output } : {}) });

      const done = await c.run(host, false);
      expect(done).toMatchObject({ changed: true, plan: planned.plan, before: planned.before, ...(c.output ? { output: c.output } : {}) });
      c.effect(gh.state, gh);

      const writes = gh.requests.filter((r) => r.method !== 'GET').length;
      const again = await c.run(host, false);
      expect(again).toMatchObject({ changed: false, plan: [] });
      expect(gh.requests.filter((r) => r.method !== 'GET').length).toBe(writes);
    });
  }

  it('removeRepoCollaborator reports the access the person keeps through the organization', async () => {
    gh = await startGitHub();
    const result = await codeHost(gh).removeRepoCollaborator({ repo: `${ORG}/payments`, login: 'mallory', dryRun: false });
    expect(result.after).toEqual({ directCollaborator: false, effectivePermission: 'read' });
  });

  it('removeOrgMember cancels a membership still pending (an invitation not yet accepted)', async () => {
    gh = await startGitHub();
    const result = await codeHost(gh).removeOrgMember({ login: 'carol', dryRun: false });
    expect(result).toMatchObject({ changed: true, before: { member: true, role: 'member', state: 'pending' } });
    expect(gh.state.invitations.map((i) => i.login)).not.toContain('carol');
  });

  it('matches logins without regard to case, as GitHub does', async () => {
    gh = await startGitHub();
    const result = await codeHost(gh).removeOrgMember({ login: 'MALLORY', dryRun: false });
    expect(result.changed).toBe(true);
    expect(gh.state.members.mallory).toBeUndefined();
  });

  it('reports nothing to do for an account the organization does not know, without writing', async () => {
    gh = await startGitHub(seedWithout());
    const host = codeHost(gh, { app });
    const results = await Promise.all([
      host.removeOrgMember({ login: 'nobody', dryRun: false }),
      host.removeOutsideCollaborator({ login: 'nobody', dryRun: false }),
      host.revokePatGrants({ login: 'nobody', dryRun: false }),
      host.removeSsoAuthorizations({ login: 'nobody', dryRun: false }),
      host.removeRepoCollaborator({ repo: `${ORG}/payments`, login: 'nobody', dryRun: false }),
      host.deleteDeployKey({ repo: `${ORG}/payments`, keyId: 12345, dryRun: false }),
      host.cancelInvitations({ login: 'nobody', dryRun: false }),
    ]);
    expect(results.every((r) => !r.changed && r.plan.length === 0)).toBe(true);
    expect(gh.requests.filter((r) => r.method !== 'GET' && !r.route.startsWith('POST /app/'))).toEqual([]);
  });
});

function seedWithout(): FakeGitHubState {
  return {
    members: { 'warden-admin': 'admin' },
    teams: [],
    repos: { payments: { collaborators: {}, deployKeys: [] } },
    invitations: [],
    patGrants: [],
    credentialAuthorizations: [],
  };
}
