import type { Entitlements } from '../ports/code-host.js';
import { entitlementId } from './policy/entitlement-id.js';
import type { Entitlement, EntitlementKind } from '../../contracts/review-types.js';

/**
 * The entitlements of a GitHub organization listing:
 * - `github-org-membership` per member (resource = the org, permission admin/member, via
 *   `org-role`) and per pending invitation of someone not yet a member (subject = the login, or
 *   the email of an invitation by email; permission = the invited role; via `invitation`);
 * - `github-team` per team membership (resource = team slug, permission `member`, via `team`);
 * - `github-repo` per direct repository collaborator (resource = `owner/repo`, permission = the
 *   repository role: read, triage, write, maintain, admin or a custom role), outside
 *   collaborators included;
 * - `github-outside-collaborator` per outside collaborator (resource = the org, permission
 *   `outside-collaborator`), on top of their repository access;
 * - `github-pat-grant` per fine-grained token grant (resource = the grant id, permission = the
 *   token's name, what its owner recognizes).
 * GitHub reports no last use and no creation date for any of these, so neither is set.
 */
export function normalizeGitHub(e: Entitlements): Entitlement[] {
  const account = e.org;
  const make = (subject: string, kind: EntitlementKind, resource: string, permission: string, grantedVia: string): Entitlement => {
    const base = { system: 'github' as const, account, subject, kind, resource };
    return { id: entitlementId(base), ...base, permission, grantedVia };
  };
  const members = new Set(e.members.map((m) => m.login.toLowerCase()));
  const all = [
    ...e.members.map((m) => make(m.login, 'github-org-membership', account, m.role, 'org-role')),
    ...e.invitations.flatMap((i) => {
      const subject = i.login ?? i.email;
      if (!subject || (i.login && members.has(i.login.toLowerCase()))) return [];
      return [make(subject, 'github-org-membership', account, i.role, 'invitation')];
    }),
    ...e.teams.flatMap((t) => t.members.map((login) => make(login, 'github-team', t.slug, 'member', 'team'))),
    ...e.repositories.flatMap((r) => r.collaborators.map((c) => make(c.login, 'github-repo', r.repo, c.permission, 'direct'))),
    ...e.outsideCollaborators.map((login) => make(login, 'github-outside-collaborator', account, 'outside-collaborator', 'direct')),
    ...(e.patGrants ?? []).map((g) => make(g.owner, 'github-pat-grant', String(g.id), g.tokenName, 'direct')),
  ];
  // Two invitations of one address would share an id: keep the first.
  const seen = new Set<string>();
  return all.filter((x) => !seen.has(x.id) && Boolean(seen.add(x.id)));
}
