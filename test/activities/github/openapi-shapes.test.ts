import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../activities/providers/github/github-client.js';
import type { FakeGitHub } from '../../peers/fake-github.js';
import { app, codeHost, ORG, startGitHub, token } from './fixture.js';
import { findOperation, loadDescription, responseSchema, validate, type Description } from './openapi-check.js';

// GitHub's published description of api.github.com, then GitHub Enterprise Cloud's for the
// operations only it has (SAML SSO credential authorizations).
const descriptions: Description[] = [loadDescription('api.github.com'), loadDescription('ghec')];
const [dotcom] = descriptions as [Description];

/** Drives every route the fake serves through the real adapter and client, successes and errors alike. */
async function exerciseEveryRoute(gh: FakeGitHub): Promise<void> {
  const asApp = codeHost(gh, { app });
  const asToken = codeHost(gh);
  await asApp.listEntitlements();
  await asToken.removeRepoCollaborator({ repo: `${ORG}/payments`, login: 'mallory', dryRun: false });
  await asToken.deleteDeployKey({ repo: `${ORG}/payments`, keyId: 501, dryRun: false });
  await asToken.removeSsoAuthorizations({ login: 'mallory', dryRun: false });
  await asApp.revokePatGrants({ login: 'mallory', dryRun: false });
  await asToken.cancelInvitations({ login: 'carol', dryRun: false });
  await asToken.removeOutsideCollaborator({ login: 'ext-bob', dryRun: false });
  await asToken.removeTeamMember({ login: 'alice', team: 'platform', dryRun: false });
  await asToken.removeOrgMember({ login: 'alice', dryRun: false });
  await asToken.removeOrgMember({ login: 'alice', dryRun: false });

  const raw = createGitHubClient({ token, baseUrl: gh.baseUrl, retryBaseMs: 10 });
  const failing: (() => Promise<unknown>)[] = [
    () => raw.rest.orgs.removeOutsideCollaborator({ org: ORG, username: 'warden-admin' }),
    () => raw.rest.repos.deleteDeployKey({ owner: ORG, repo: 'payments', key_id: 999 }),
    () => raw.rest.repos.listCollaborators({ owner: ORG, repo: 'no-such-repo' }),
    () => raw.rest.orgs.listPatGrants({ org: ORG }),
    () => raw.rest.orgs.cancelInvitation({ org: ORG, invitation_id: 1 }),
    () => createGitHubClient({ token: 'ghp_wrong', baseUrl: gh.baseUrl }).rest.orgs.listMembers({ org: ORG }),
  ];
  for (const call of failing) await call().catch(() => undefined);
  gh.rateLimitNext(1, { status: 429 });
  await raw.rest.orgs.listMembers({ org: ORG });
}

describe("the fake GitHub answers in the shapes of GitHub's OpenAPI description", () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startGitHub();
    await exerciseEveryRoute(gh);
  });
  afterAll(async () => gh.close());

  it('serves only operations GitHub documents, credential authorizations from the Enterprise Cloud description', () => {
    const sources = Object.fromEntries(gh.routes.map((route) => [route, findOperation(descriptions, route)?.description.name]));
    expect(Object.entries(sources).filter(([, source]) => !source)).toEqual([]);
    expect(
      Object.entries(sources)
        .filter(([, source]) => source === 'ghec')
        .map(([route]) => route),
    ).toEqual(['GET /orgs/{org}/credential-authorizations', 'DELETE /orgs/{org}/credential-authorizations/{credential_id}']);
  });

  it('answers every route it serves with success at least once in the scenario', () => {
    const succeeded = new Set(gh.requests.filter((r) => r.status < 300).map((r) => r.route));
    expect(gh.routes.filter((route) => !succeeded.has(route))).toEqual([]);
  });

  it('gives every response body the schema GitHub documents for that operation and status', () => {
    const problems: string[] = [];
    const statuses = new Set<string>();
    for (const r of gh.requests) {
      const route = r.route;
      const found = findOperation(descriptions, route);
      // A rate limit or an auth failure can answer any request: GitHub's generic error body.
      const schema = found ? responseSchema(found, r.status) : undefined;
      statuses.add(`${r.status}`);
      if (schema === null) {
        if (r.body !== undefined) problems.push(`${route} ${r.status}: GitHub documents no body, the fake sent one`);
        continue;
      }
      if (schema === undefined && r.status < 400) {
        problems.push(`${route}: GitHub does not document status ${r.status}`);
        continue;
      }
      const description = found?.description ?? dotcom;
      const errors = validate(description, schema ?? { $ref: '#/components/schemas/basic-error' }, r.body);
      problems.push(...errors.map((e) => `${route} ${r.status} ${e}`));
    }
    expect(problems).toEqual([]);
    expect([...statuses].sort()).toEqual(['200', '201', '204', '401', '403', '404', '422', '429']);
  });

  it('catches drift: a body missing a required field, with a wrong type or an undocumented field fails', () => {
    const members = gh.requests.find((r) => r.route === 'GET /orgs/{org}/members' && r.status === 200);
    const found = findOperation(descriptions, 'GET /orgs/{org}/members');
    const schema = found && responseSchema(found, 200);
    expect(schema).toBeTruthy();
    if (!found || !schema || !members) return;
    const [first] = members.body as Record<string, unknown>[];
    const withoutLogin = { ...first };
    delete withoutLogin.login;
    expect(validate(found.description, schema, [withoutLogin])).toEqual(['$[0]: missing required property login']);
    expect(validate(found.description, schema, [{ ...first, id: 'not-a-number' }])).toEqual(['$[0].id: expected integer, got "not-a-number"']);
    expect(validate(found.description, schema, [{ ...first, role: 'admin' }])).toEqual(["$[0]: property role is not in GitHub's schema"]);
  });
});
