import type { AccountChange, InvitationChange, TeamChange } from '../../ports/code-host.js';
import type { ChangeResult } from '../../ports/change.js';
import { changeReadBack, NEEDS, sameLogin, unchanged, type GitHubContext } from './change-helpers.js';
import { github, githubUnlessAbsent } from './errors.js';

/**
 * Removes an account from the organization (GitHub also drops it from every team and cancels a
 * pending membership). Idempotent: reads the membership first; no membership is `changed: false`.
 */
export async function removeOrgMember({ octokit, org }: GitHubContext, { login, dryRun }: AccountChange): Promise<ChangeResult> {
  const read = async () => {
    const m = await githubUnlessAbsent({ what: `reading the membership of ${login} in ${org}`, needs: NEEDS.readOrg }, () => octokit.rest.orgs.getMembershipForUser({ org, username: login }));
    return m ? { member: true, role: m.data.role, state: m.data.state } : { member: false };
  };
  const before = await read();
  if (!before.member) return unchanged(before);
  const { role, state } = before;
  const steps = [
    {
      line: `remove ${login} (${role}, membership ${state}) from organization ${org} and all its teams`,
      apply: () => githubUnlessAbsent({ what: `removing ${login} from ${org}`, needs: NEEDS.adminOrg }, () => octokit.rest.orgs.removeMembershipForUser({ org, username: login })),
    },
  ];
  return changeReadBack({ steps, dryRun, before, readBack: read });
}

/**
 * Removes an outside collaborator from every repository of the organization. Idempotent: lists
 * the outside collaborators first; an account not among them is `changed: false`.
 */
export async function removeOutsideCollaborator({ octokit, org }: GitHubContext, { login, dryRun }: AccountChange): Promise<ChangeResult> {
  const read = async () => {
    const outside = await github({ what: `listing the outside collaborators of ${org}`, needs: NEEDS.readOrg }, () =>
      octokit.paginate(octokit.rest.orgs.listOutsideCollaborators, { org, per_page: 100 }),
    );
    return { outsideCollaborator: outside.some((u) => sameLogin(u.login, login)) };
  };
  const before = await read();
  if (!before.outsideCollaborator) return unchanged(before);
  const steps = [
    {
      line: `remove outside collaborator ${login} from every repository of organization ${org}`,
      apply: () =>
        githubUnlessAbsent({ what: `removing outside collaborator ${login} from ${org}`, needs: NEEDS.adminOrg }, () => octokit.rest.orgs.removeOutsideCollaborator({ org, username: login })),
    },
  ];
  return changeReadBack({ steps, dryRun, before, readBack: read });
}

/**
 * Cancels the pending organization invitations addressed to the login, or to `email` when given.
 * Idempotent: lists pending invitations first and cancels only those still pending.
 */
export async function cancelInvitations({ octokit, org }: GitHubContext, { login, email, dryRun }: InvitationChange): Promise<ChangeResult> {
  const readMine = async () => {
    const pending = await github({ what: `listing the pending invitations of ${org}`, needs: NEEDS.adminOrg }, () =>
      octokit.paginate(octokit.rest.orgs.listPendingInvitations, { org, per_page: 100 }),
    );
    return pending.filter((i) => sameLogin(i.login, login) || (email !== undefined && sameLogin(i.email, email)));
  };
  const stateOf = (mine: Awaited<ReturnType<typeof readMine>>) => ({ invitations: mine.map((i) => ({ id: i.id, login: i.login, email: i.email, role: i.role })) });
  const mine = await readMine();
  const invitationIds = mine.map((i) => i.id);
  if (mine.length === 0) return { ...unchanged({ invitations: [] }), output: { invitationIds } };
  const before = stateOf(mine);
  const steps = mine.map((i) => ({
    line: `cancel invitation ${i.id} of ${i.login ?? i.email ?? 'unknown invitee'} (${i.role}) to organization ${org}`,
    apply: () => githubUnlessAbsent({ what: `cancelling invitation ${i.id} in ${org}`, needs: NEEDS.adminOrg }, () => octokit.rest.orgs.cancelInvitation({ org, invitation_id: i.id })),
  }));
  return changeReadBack({ steps, dryRun, before, readBack: async () => stateOf(await readMine()), output: { invitationIds } });
}

/**
 * Removes an account from one team. Idempotent: reads the team membership first; an account not
 * in the team is `changed: false`. Access the team granted goes with it.
 */
export async function removeTeamMember({ octokit, org }: GitHubContext, { login, team, dryRun }: TeamChange): Promise<ChangeResult> {
  const read = async () => {
    const m = await githubUnlessAbsent({ what: `reading the membership of ${login} in team ${team}`, needs: NEEDS.readOrg }, () =>
      octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: team, username: login }),
    );
    return m ? { teamMember: true, role: m.data.role, state: m.data.state } : { teamMember: false };
  };
  const before = await read();
  if (!before.teamMember) return unchanged(before);
  const steps = [
    {
      line: `remove ${login} from team ${team} of organization ${org}`,
      apply: () =>
        githubUnlessAbsent({ what: `removing ${login} from team ${team}`, needs: NEEDS.adminOrg }, () => octokit.rest.teams.removeMembershipForUserInOrg({ org, team_slug: team, username: login })),
    },
  ];
  return changeReadBack({ steps, dryRun, before, readBack: read });
}
