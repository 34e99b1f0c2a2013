import { z } from 'zod';
import { outcomeOf } from '../../provider-change.js';
import { defineAction, requireDep } from '../../types.js';
import { HOW, login, loginParams } from './params.js';

/**
 * Removes a person from the GitHub organization, and so from all its teams; a pending membership
 * is cancelled. No undo: GitHub restores membership only through a fresh invitation the person
 * must accept. Idempotent: a login that is not a member reports `already`.
 */
export const githubRemoveOrgMember = defineAction({
  name: 'github.removeOrgMember',
  title: 'Remove GitHub organization member',
  kind: 'change',
  destructive: true,
  params: loginParams,
  describe: (p) => [`remove ${p.login} from the GitHub organization and all its teams`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'code', HOW).removeOrgMember({ login: p.login, dryRun }), dryRun);
  },
});

/**
 * Removes an outside collaborator from every repository of the organization. No undo: access
 * returns only through fresh repository invitations. Idempotent: a login that is not an outside
 * collaborator reports `already`.
 */
export const githubRemoveOutsideCollaborator = defineAction({
  name: 'github.removeOutsideCollaborator',
  title: 'Remove GitHub outside collaborator',
  kind: 'change',
  destructive: true,
  params: loginParams,
  describe: (p) => [`remove outside collaborator ${p.login} from every repository of the GitHub organization`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'code', HOW).removeOutsideCollaborator({ login: p.login, dryRun }), dryRun);
  },
});

/**
 * Cancels the pending organization invitations for a login (and for an email address, when
 * given: an invitation by email has no login until accepted). No undo: a cancelled invitation
 * cannot be restored, only sent again. Idempotent; output.invitationIds lists what was cancelled.
 */
export const githubCancelInvitations = defineAction({
  name: 'github.cancelInvitations',
  title: 'Cancel GitHub organization invitations',
  kind: 'change',
  destructive: true,
  params: z.strictObject({ login, email: z.email().optional().describe('also cancel invitations sent to this address') }),
  describe: (p) => [`cancel the pending GitHub organization invitations of ${p.login}${p.email ? ` and of ${p.email}` : ''}`],
  async run(p, ctx, dryRun) {
    const code = requireDep(ctx.deps, 'code', HOW);
    return outcomeOf(await code.cancelInvitations({ login: p.login, dryRun, ...(p.email ? { email: p.email } : {}) }), dryRun);
  },
});

/**
 * Removes a person from one team of the organization (access reviews revoke team grants this way).
 * No undo: adding people to teams is not something Warden does on its own. Idempotent: a login
 * not in the team reports `already`.
 */
export const githubRemoveTeamMember = defineAction({
  name: 'github.removeTeamMember',
  title: 'Remove GitHub team member',
  kind: 'change',
  destructive: true,
  params: z.strictObject({
    login,
    team: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'a team slug (lower-case letters, digits, - and _)')
      .describe('team slug'),
  }),
  describe: (p) => [`remove ${p.login} from GitHub team ${p.team}`],
  async run(p, ctx, dryRun) {
    return outcomeOf(await requireDep(ctx.deps, 'code', HOW).removeTeamMember({ login: p.login, team: p.team, dryRun }), dryRun);
  },
});
