import type { Entitlements } from '../../ports/code-host.js';
import { NEEDS, type GitHubContext } from './change-helpers.js';
import { github } from './errors.js';
import { FailureKind, isFailureKind } from '../../../contracts/failures.js';

const PER_PAGE = 100;

type Read = <T>(what: string, needs: string, fn: () => Promise<T>) => Promise<T>;
const reader: Read = (what, needs, fn) => github({ what, needs }, fn);

/** Each repository's direct collaborators (outside collaborators included). */
async function collaboratorsOf({ octokit }: GitHubContext, repos: readonly { full_name: string; name: string; owner: { login: string } }[]): Promise<Entitlements['repositories'][number][]> {
  const out: Entitlements['repositories'][number][] = [];
  for (const r of repos) {
    const direct = await reader(`listing the direct collaborators of ${r.full_name}`, NEEDS.repoAdmin, () =>
      octokit.paginate(octokit.rest.repos.listCollaborators, { owner: r.owner.login, repo: r.name, affiliation: 'direct', per_page: PER_PAGE }),
    );
    out.push({ repo: r.full_name, collaborators: direct.map((c) => ({ login: c.login, permission: c.role_name })) });
  }
  return out;
}

/**
 * Everything but the repositories: members with their role, teams with their members, outside
 * collaborators, pending invitations and fine-grained token grants. Token grants are readable by
 * GitHub Apps only: when the credentials may not read them, `patGrants` is null and
 * `unavailable` says why, rather than failing the whole review. Read-only.
 */
export async function listOrgEntitlements({ octokit, org }: GitHubContext): Promise<Omit<Entitlements, 'repositories'>> {
  const members = await listMembers({ octokit, org });
  const teamList = await reader(`listing the teams of ${org}`, NEEDS.readOrg, () => octokit.paginate(octokit.rest.teams.list, { org, per_page: PER_PAGE }));
  const teams: Entitlements['teams'][number][] = [];
  for (const team of teamList) {
    const people = await reader(`listing the members of team ${team.slug}`, NEEDS.readOrg, () =>
      octokit.paginate(octokit.rest.teams.listMembersInOrg, { org, team_slug: team.slug, per_page: PER_PAGE }),
    );
    teams.push({ slug: team.slug, name: team.name, members: people.map((u) => u.login) });
  }
  const outside = await reader(`listing the outside collaborators of ${org}`, NEEDS.readOrg, () => octokit.paginate(octokit.rest.orgs.listOutsideCollaborators, { org, per_page: PER_PAGE }));
  const pending = await reader(`listing the pending invitations of ${org}`, NEEDS.adminOrg, () => octokit.paginate(octokit.rest.orgs.listPendingInvitations, { org, per_page: PER_PAGE }));
  const unavailable: string[] = [];
  let patGrants: Entitlements['patGrants'] = null;
  try {
    const grants = await reader(`listing the fine-grained token grants of ${org}`, NEEDS.patGrants, () => octokit.paginate(octokit.rest.orgs.listPatGrants, { org, per_page: PER_PAGE }));
    patGrants = grants.map((g) => ({ id: g.id, owner: g.owner.login, tokenName: g.token_name, expiresAt: g.token_expires_at }));
  } catch (err) {
    if (!isFailureKind(err, FailureKind.GitHubForbidden) && !isFailureKind(err, FailureKind.GitHubNotFound)) throw err;
    unavailable.push(`patGrants: ${err.message}`);
  }
  return {
    org,
    members,
    teams,
    outsideCollaborators: outside.map((u) => u.login),
    invitations: pending.map((i) => ({ id: i.id, login: i.login, email: i.email, role: i.role })),
    patGrants,
    unavailable,
  };
}

/** The organization's members with their role (admins, then members). Read-only. */
export async function listMembers({ octokit, org }: GitHubContext): Promise<Entitlements['members'][number][]> {
  const members: Entitlements['members'][number][] = [];
  for (const role of ['admin', 'member'] as const) {
    const page = await reader(`listing the ${role}s of ${org}`, NEEDS.readOrg, () => octokit.paginate(octokit.rest.orgs.listMembers, { org, role, per_page: PER_PAGE }));
    members.push(...page.map((u) => ({ login: u.login, role })));
  }
  return members;
}

/** One page of the organization's repositories (1-based) with their direct collaborators; `nextPage` while more remain. */
export async function listRepositoryPage(ctx: GitHubContext, input: { page: number; perPage: number }): Promise<{ repositories: Entitlements['repositories'][number][]; nextPage?: number }> {
  const { octokit, org } = ctx;
  const { data: repos } = await reader(`listing page ${input.page} of the repositories of ${org}`, NEEDS.readOrg, () =>
    octokit.rest.repos.listForOrg({ org, type: 'all', per_page: input.perPage, page: input.page }),
  );
  const repositories = await collaboratorsOf(ctx, repos);
  return repos.length === input.perPage ? { repositories, nextPage: input.page + 1 } : { repositories };
}

/** Reads who holds what in the whole organization at once: the organization's part, then every repository. Read-only. */
export async function listEntitlements(ctx: GitHubContext): Promise<Entitlements> {
  const orgPart = await listOrgEntitlements(ctx);
  const repoList = await reader(`listing the repositories of ${ctx.org}`, NEEDS.readOrg, () =>
    ctx.octokit.paginate(ctx.octokit.rest.repos.listForOrg, { org: ctx.org, type: 'all', per_page: PER_PAGE }),
  );
  return { ...orgPart, repositories: await collaboratorsOf(ctx, repoList) };
}
