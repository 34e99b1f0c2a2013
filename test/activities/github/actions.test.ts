import { afterEach, describe, expect, it } from 'vitest';
import { createActionActivities, type RunActionInput } from '../../../activities/run-action.js';
import { GITHUB_ACTIONS } from '../../../catalog/actions/github/index.js';
import { findAction } from '../../../catalog/index.js';
import type { FakeGitHub } from '../../peers/fake-github.js';
import { app, codeHost, failureOf, ORG, startGitHub } from './fixture.js';

const step = (action: string, params: unknown, dryRun = false): RunActionInput => ({
  action,
  params,
  dryRun,
  incidentId: 'incident-gh-1',
  stepId: 'contain',
  idempotencyKey: `incident-gh-1:contain:${action}`,
});

describe('the GitHub catalog actions', () => {
  let gh: FakeGitHub | undefined;
  afterEach(async () => gh?.close());

  it('are eight destructive changes without an undo, and one read', () => {
    const summary = GITHUB_ACTIONS.map((a) => [a.name, a.kind, a.destructive, 'undo' in a]);
    expect(summary).toEqual([
      ['github.removeOrgMember', 'change', true, false],
      ['github.removeOutsideCollaborator', 'change', true, false],
      ['github.removeTeamMember', 'change', true, false],
      ['github.revokePatGrants', 'change', true, false],
      ['github.removeSsoAuthorizations', 'change', true, false],
      ['github.removeRepoCollaborator', 'change', true, false],
      ['github.deleteDeployKey', 'change', true, false],
      ['github.cancelInvitations', 'change', true, false],
      ['github.listEntitlements', 'read', false, false],
    ]);
    expect(GITHUB_ACTIONS.every((a) => findAction(a.name) === a)).toBe(true);
  });

  it('plan in a dry run, change on the real run, report already on the rerun (through runAction)', async () => {
    gh = await startGitHub();
    const actions = createActionActivities({ providers: { code: codeHost(gh, { app }) } });
    const params = { login: 'mallory' };

    const planned = await actions.runAction(step('github.revokePatGrants', params, true));
    const done = await actions.runAction(step('github.revokePatGrants', params));
    const rerun = await actions.runAction(step('github.revokePatGrants', params));

    expect(planned).toMatchObject({ status: 'planned', output: { grantIds: [301, 302] } });
    expect(done).toMatchObject({ status: 'changed', plan: planned.plan, output: { grantIds: [301, 302], after: { grants: [] } } });
    expect(rerun).toMatchObject({ status: 'already', plan: [], output: { grantIds: [] } });
    expect(gh.state.patGrants.map((g) => g.owner)).toEqual(['alice']);
  });

  it('report what GitHub held before and read back after: a direct collaborator write → removed (read-only through the base permission)', async () => {
    gh = await startGitHub();
    const actions = createActionActivities({ providers: { code: codeHost(gh) } });
    const params = { repo: `${ORG}/payments`, login: 'mallory' };

    const planned = await actions.runAction(step('github.removeRepoCollaborator', params, true));
    expect(planned.observed).toEqual({ before: { directCollaborator: true, permission: 'write' } });

    const done = await actions.runAction(step('github.removeRepoCollaborator', params));
    expect(done.observed).toEqual({ before: { directCollaborator: true, permission: 'write' }, after: { directCollaborator: false, effectivePermission: 'read' } });
    expect(gh.state.repos.payments?.collaborators).not.toHaveProperty('mallory');

    const rerun = await actions.runAction(step('github.removeRepoCollaborator', params));
    expect(rerun).toMatchObject({ status: 'already', observed: { before: { directCollaborator: false }, after: { directCollaborator: false } } });

    // The read-back is a read at GitHub, not the state asked for: a removal GitHub ignores shows.
    const member = await actions.runAction(step('github.removeOrgMember', { login: 'alice' }));
    expect(member.observed).toEqual({ before: { member: true, role: 'member', state: 'active' }, after: { member: false } });
    expect(gh.requests.filter((r) => r.method === 'GET' && r.url === `/orgs/${ORG}/memberships/alice`).map((r) => r.status)).toEqual([200, 404]);
  });

  it('accept a deploy key id as a templated string and delete that key', async () => {
    gh = await startGitHub();
    const actions = createActionActivities({ providers: { code: codeHost(gh) } });
    const outcome = await actions.runAction(step('github.deleteDeployKey', { repo: `${ORG}/payments`, keyId: '502' }));
    expect(outcome.status).toBe('changed');
    expect(gh.state.repos.payments?.deployKeys.map((k) => k.id)).toEqual([501]);
  });

  it('refuse parameters that are not a GitHub login or an owner/name repository, before calling GitHub', async () => {
    gh = await startGitHub();
    const actions = createActionActivities({ providers: { code: codeHost(gh) } });
    const bad = [
      step('github.removeOrgMember', { login: '-mallory' }),
      step('github.removeOrgMember', { login: 'a'.repeat(40) }),
      step('github.removeRepoCollaborator', { repo: 'payments', login: 'mallory' }),
      step('github.removeRepoCollaborator', { repo: `${ORG}/..`, login: 'mallory' }),
      step('github.deleteDeployKey', { repo: `${ORG}/payments`, keyId: 'ci deploy' }),
      step('github.cancelInvitations', { login: 'mallory', email: 'not-an-email' }),
    ];
    for (const input of bad) {
      const failure = await failureOf(actions.runAction(input));
      expect(failure).toMatchObject({ type: 'InvalidParameters', nonRetryable: true });
    }
    expect(gh.requests).toEqual([]);
  });

  it('without GitHub configured, plan from the parameters and say how to configure it', async () => {
    const actions = createActionActivities({ providers: {} });
    const outcome = await actions.runAction(step('github.removeOrgMember', { login: 'mallory' }));
    expect(outcome).toMatchObject({ status: 'planned', output: { applied: false, reason: 'provider-not-configured' } });
    expect(outcome.plan).toEqual([
      'remove mallory from the GitHub organization and all its teams',
      'NOT APPLIED: code is not configured: set GITHUB_TOKEN (or GitHub App credentials) and WARDEN_GITHUB_ORG',
    ]);
  });

  it('github.listEntitlements returns the entitlements as its output, in a dry run too', async () => {
    gh = await startGitHub();
    const actions = createActionActivities({ providers: { code: codeHost(gh) } });
    const outcome = await actions.runAction(step('github.listEntitlements', {}, true));
    expect(outcome).toMatchObject({ status: 'planned', plan: [`read the entitlements of GitHub organization ${ORG}`], output: { org: ORG, outsideCollaborators: ['ext-bob'] } });
  });
});
