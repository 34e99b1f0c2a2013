import { ApplicationFailure } from '@temporalio/common';
import type { Entitlements } from '../ports/code-host.js';
import { NEEDS, type GitHubContext } from './change-helpers.js';
import { github } from './errors.js';

const PER_PAGE = 100;

/**
 * Reads who holds what in the organization: members with their role, teams with their members,
 * outside collaborators, each repository's direct collaborators, pending invitations and
 * fine-grained token grants. Every list is paginated. Read-only; safe to retry. Token grants are
 * readable by GitHub Apps only: when the credentials may not read them, `patGrants` is null and
 * `unavailable` says why, rather than failing the whole review.
 */
export async function listEntitlements({ octokit, org }: GitHubContext): Promise<Entitlements> {
  const read = <T>(what: string, needs: string, fn: () => Promise<T>) => github({ what, needs }, fn);

  const members: Entitlements['members'][number][] = [];
  for (const role of ['admin', 'member'] as const) {
    const page = await read(`listing the ${role}s of ${org}`, NEEDS.readOrg, () =>
      octokit.paginate(octokit.rest.orgs.listMembers, { org, role, per_page: PER_PAGE }),
    );
    members.push(...page.map((u) => ({ login: u.login, role })));
  }

  const teamList = await read(`listing the teams of ${org}`, NEEDS.readOrg, () => octokit.paginate(octokit.rest.teams.list, { org, per_page: PER_PAGE }));
  const teams: Entitlements['teams'][number][] = [];
  for (const team of teamList) {
    const people = await read(`listing the members of team ${team.slug}`, NEEDS.readOrg, () =>
      octokit.paginate(octokit.rest.teams.listMembersInOrg, { org, team_slug: team.slug, per_page: PER_PAGE }),
    );
    teams.push({ slug: team.slug, name: team.name, members: people.map((u) => u.login) });
  }

  const outside = await read(`listing the outside collaborators of ${org}`, NEEDS.readOrg, () =>
    octokit.paginate(octokit.rest.orgs.listOutsideCollaborators, { org, per_page: PER_PAGE }),
  );

  const repoList = await read(`listing the repositories of ${org}`, NEEDS.readOrg, () =>
    octokit.paginate(octokit.rest.repos.listForOrg, { org, type: 'all', per_page: PER_PAGE }),
  );
  const repositories: Entitlements['repositories'][number][] = [];
  for (const r of repoList) {
    const direct = await read(`listing the direct collaborators of ${r.full_name}`, NEEDS.repoAdmin, () =>
      octokit.paginate(octokit.rest.repos.listCollaborators, { owner: r.owner.login, repo: r.name, affiliation: 'direct', per_page: PER_PAGE }),
    );
    repositories.push({ repo: r.full_name, collaborators: direct.map((c) => ({ login: c.login, permission: c.role_name })) });
  }

  const pending = await read(`listing the pending invitations of ${org}`, NEEDS.adminOrg, () =>
    octokit.paginate(octokit.rest.orgs.listPendingInvitations, { org, per_page: PER_PAGE }),
  );

  const unavailable: string[] = [];
  let patGrants: Entitlements['patGrants'] = null;
  try {
    const grants = await read(`listing the fine-grained token grants of ${org}`, NEEDS.patGrants, () =>
      octokit.paginate(octokit.rest.orgs.listPatGrants, { org, per_page: PER_PAGE }),
    );
    patGrants = grants.map((g) => ({ id: g.id, owner: g.owner.login, tokenName: g.token_name, expiresAt: g.token_expires_at }));
  } catch (err) {
    if (!(err instanceof ApplicationFailure) || (err.type !== 'GitHubForbidden' && err.type !== 'GitHubNotFound')) throw err;
    unavailable.push(`patGrants: ${err.message}`);
  }

  return {
    org,
    members,
    teams,
    outsideCollaborators: outside.map((u) => u.login),
    repositories,
    invitations: pending.map((i) => ({ id: i.id, login: i.login, email: i.email, role: i.role })),
    patGrants,
    unavailable,
  };
}
