import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { github } from '../../../activities/providers/github/errors.js';
import { createGitHubClient } from '../../../activities/providers/github/github-client.js';
import { createGitHubCodeHost } from '../../../activities/providers/github/github-code-host.js';
import type { FakeGitHub } from '../../peers/fake-github.js';
import { app, codeHost, failureOf, ORG, readOnlyToken, startGitHub, token } from './fixture.js';

const membershipReads = (gh: FakeGitHub) => gh.requests.filter((r) => r.method === 'GET' && r.url === `/orgs/${ORG}/memberships/mallory`);

describe('GitHub failures become Temporal failures that say what to do', () => {
  let gh: FakeGitHub | undefined;
  afterEach(async () => gh?.close());

  it('fails retryable (GitHubUnavailable) while GitHub is unreachable, and succeeds once it is back', async () => {
    gh = await startGitHub();
    const host = codeHost(gh);
    await gh.stop();
    const failure = await failureOf(host.removeOrgMember({ login: 'mallory', dryRun: false }));
    expect(failure).toMatchObject({ type: 'GitHubUnavailable', nonRetryable: false });
    expect(failure.message).toMatch(/could not be reached while reading the membership of mallory/);

    await gh.start();
    expect(await host.removeOrgMember({ login: 'mallory', dryRun: false })).toMatchObject({ changed: true });
    expect(gh.state.members.mallory).toBeUndefined();
  });

  it('retries a 500 twice within the call, then fails retryable; the next attempt succeeds', async () => {
    gh = await startGitHub();
    const host = codeHost(gh);
    gh.serverErrorNext(3);
    const failure = await failureOf(host.removeOrgMember({ login: 'mallory', dryRun: false }));
    expect(failure).toMatchObject({ type: 'GitHubUnavailable', nonRetryable: false });
    expect(failure.message).toContain('HTTP 500');
    expect(membershipReads(gh).map((r) => r.status)).toEqual([500, 500, 500]);

    expect(await host.removeOrgMember({ login: 'mallory', dryRun: false })).toMatchObject({ changed: true });
  });

  it('rides out a 500 that clears within the retries, in one call', async () => {
    gh = await startGitHub();
    gh.serverErrorNext(2);
    expect(await codeHost(gh).removeOrgMember({ login: 'mallory', dryRun: false })).toMatchObject({ changed: true });
    // The last read is the read-back after the removal: the membership is gone (404).
    expect(membershipReads(gh).map((r) => r.status)).toEqual([500, 500, 200, 404]);
  });

  for (const limit of [{ status: 403 as const }, { status: 429 as const }, { status: 403 as const, secondary: true }]) {
    const kind = `${limit.secondary ? 'secondary' : 'primary'} rate limit (HTTP ${limit.status})`;
    it(`waits out a ${kind} through the throttling plugin and completes`, async () => {
      gh = await startGitHub();
      gh.rateLimitNext(1, limit);
      expect(await codeHost(gh).removeOrgMember({ login: 'mallory', dryRun: false })).toMatchObject({ changed: true });
      expect(membershipReads(gh).map((r) => r.status)).toEqual([limit.status, 200, 404]);
      expect(gh.state.members.mallory).toBeUndefined();
    });
  }

  it('gives up on a rate limit after two retries: retryable, with the delay GitHub asked for', async () => {
    gh = await startGitHub();
    gh.rateLimitNext(3, { status: 403 });
    const failure = await failureOf(codeHost(gh).removeOrgMember({ login: 'mallory', dryRun: false }));
    expect(failure).toMatchObject({ type: 'GitHubUnavailable', nonRetryable: false, nextRetryDelay: 1000 });
    expect(failure.message).toContain('rate limit');
    expect(membershipReads(gh)).toHaveLength(3);
    expect(gh.state.members.mallory).toBe('member');
  });

  it('fails non-retryable (GitHubAuthFailed) on a bad token, without echoing it', async () => {
    gh = await startGitHub();
    const bad = 'ghp_thisTokenIsNotKnownToGitHub000000';
    const host = createGitHubCodeHost({ org: ORG, token: bad, baseUrl: gh.baseUrl, retryBaseMs: 10 });
    const failure = await failureOf(host.removeOrgMember({ login: 'mallory', dryRun: false }));
    expect(failure).toMatchObject({ type: 'GitHubAuthFailed', nonRetryable: true });
    expect(failure.message).toContain('Bad credentials');
    expect(JSON.stringify([failure.message, failure.details, failure.stack])).not.toContain(bad);
    expect(membershipReads(gh)).toHaveLength(1);
  });

  it('fails non-retryable (GitHubAuthFailed) when the GitHub App key is not the App’s', async () => {
    gh = await startGitHub();
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const host = codeHost(gh, { app: { ...app, privateKey: stranger.privateKey } });
    const failure = await failureOf(host.revokePatGrants({ login: 'mallory', dryRun: false }));
    expect(failure).toMatchObject({ type: 'GitHubAuthFailed', nonRetryable: true });
    expect(gh.state.patGrants).toHaveLength(3);
  });

  it('fails non-retryable (GitHubForbidden) naming the scope a read-only token lacks', async () => {
    gh = await startGitHub();
    const host = createGitHubCodeHost({ org: ORG, token: readOnlyToken, baseUrl: gh.baseUrl, retryBaseMs: 10 });
    const failure = await failureOf(host.removeOrgMember({ login: 'mallory', dryRun: false }));
    expect(failure).toMatchObject({ type: 'GitHubForbidden', nonRetryable: true });
    expect(failure.message).toMatch(/removing mallory from acme-corp .*the token scope admin:org/);
    expect(gh.state.members.mallory).toBe('member');
  });

  it('says a GitHub App is needed when a token tries to revoke token grants', async () => {
    gh = await startGitHub();
    const failure = await failureOf(codeHost(gh).revokePatGrants({ login: 'mallory', dryRun: false }));
    expect(failure).toMatchObject({ type: 'GitHubForbidden', nonRetryable: true });
    expect(failure.message).toContain('GitHub App permission organization_personal_access_tokens=read');
  });

  it('fails non-retryable (GitHubNotFound) for a repository that does not exist', async () => {
    gh = await startGitHub();
    const failure = await failureOf(codeHost(gh).removeRepoCollaborator({ repo: `${ORG}/no-such-repo`, login: 'mallory', dryRun: false }));
    expect(failure).toMatchObject({ type: 'GitHubNotFound', nonRetryable: true });
    expect(failure.message).toContain('listing the direct collaborators of acme-corp/no-such-repo');
  });

  it('says SAML SSO needs GitHub Enterprise Cloud when the organization has no credential authorizations to list', async () => {
    gh = await startGitHub();
    const host = createGitHubCodeHost({ org: 'not-on-ghec', token, baseUrl: gh.baseUrl, retryBaseMs: 10 });
    const failure = await failureOf(host.removeSsoAuthorizations({ login: 'mallory', dryRun: false }));
    expect(failure).toMatchObject({ type: 'GitHubNotFound', nonRetryable: true });
    expect(failure.message).toContain('only for organizations on GitHub Enterprise Cloud with SAML single sign-on');
  });

  it('fails non-retryable (GitHubValidation) when GitHub refuses a request as invalid', async () => {
    gh = await startGitHub();
    const octokit = createGitHubClient({ token, baseUrl: gh.baseUrl, retryBaseMs: 10 });
    const call = { what: 'removing member warden-admin as an outside collaborator', needs: 'admin:org' };
    const failure = await failureOf(github(call, () => octokit.rest.orgs.removeOutsideCollaborator({ org: ORG, username: 'warden-admin' })));
    expect(failure).toMatchObject({ type: 'GitHubValidation', nonRetryable: true });
    expect(failure.message).toContain('You cannot specify an organization member');
  });
});
