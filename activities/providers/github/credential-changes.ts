import type { AccountChange } from '../../ports/code-host.js';
import type { ChangeResult } from '../../ports/change.js';
import { changeReadBack, NEEDS, sameLogin, unchanged, type GitHubContext } from './change-helpers.js';
import { github, githubUnlessAbsent } from './errors.js';

/** One SAML SSO credential authorization (GitHub Enterprise Cloud; not in Octokit's typed routes). */
interface CredentialAuthorization {
  readonly login: string;
  readonly credential_id: number;
  readonly credential_type: string;
  readonly credential_authorized_at: string;
}

/**
 * Revokes every fine-grained personal access token grant the account holds on the organization.
 * Idempotent: lists the grants first and revokes only those still active; output.grantIds lists
 * them. GitHub allows this endpoint to GitHub Apps only.
 */
export async function revokePatGrants({ octokit, org }: GitHubContext, { login, dryRun, grantIds: only }: AccountChange & { readonly grantIds?: readonly number[] }): Promise<ChangeResult> {
  const readMine = async () => {
    const grants = await github({ what: `listing the fine-grained token grants of ${org}`, needs: NEEDS.patGrants }, () => octokit.paginate(octokit.rest.orgs.listPatGrants, { org, per_page: 100 }));
    return grants.filter((g) => sameLogin(g.owner.login, login) && (!only || only.includes(g.id)));
  };
  const stateOf = (mine: Awaited<ReturnType<typeof readMine>>) => ({ grants: mine.map((g) => ({ id: g.id, tokenName: g.token_name, tokenExpiresAt: g.token_expires_at })) });
  const mine = await readMine();
  const grantIds = mine.map((g) => g.id);
  if (mine.length === 0) return { ...unchanged({ grants: [] }), output: { grantIds } };
  const before = stateOf(mine);
  const steps = mine.map((g) => ({
    line: `revoke fine-grained token grant ${g.id} ("${g.token_name}") of ${login} on organization ${org}`,
    apply: () => githubUnlessAbsent({ what: `revoking token grant ${g.id} in ${org}`, needs: NEEDS.patGrants }, () => octokit.rest.orgs.updatePatAccess({ org, pat_id: g.id, action: 'revoke' })),
  }));
  return changeReadBack({ steps, dryRun, before, readBack: async () => stateOf(await readMine()), output: { grantIds } });
}

/**
 * Removes the account's SAML SSO credential authorizations (tokens, SSH keys, app tokens) for the
 * organization: the credentials stop working against it until authorized again. Idempotent: lists
 * the authorizations first; output.credentialIds lists those removed.
 */
export async function removeSsoAuthorizations({ octokit, org }: GitHubContext, { login, dryRun }: AccountChange): Promise<ChangeResult> {
  const notFound = 'SAML SSO credential authorizations exist only for organizations on GitHub Enterprise Cloud with SAML single sign-on';
  const readMine = async () => {
    const all = await github({ what: `listing the SAML SSO credential authorizations of ${org}`, needs: NEEDS.sso, notFound }, () =>
      octokit.paginate<CredentialAuthorization>('GET /orgs/{org}/credential-authorizations', { org, login, per_page: 100 }),
    );
    return all.filter((c) => sameLogin(c.login, login));
  };
  const stateOf = (mine: readonly CredentialAuthorization[]) => ({
    authorizations: mine.map((c) => ({ credentialId: c.credential_id, type: c.credential_type, authorizedAt: c.credential_authorized_at })),
  });
  const mine = await readMine();
  const credentialIds = mine.map((c) => c.credential_id);
  if (mine.length === 0) return { ...unchanged({ authorizations: [] }), output: { credentialIds } };
  const before = stateOf(mine);
  const steps = mine.map((c) => ({
    line: `remove the SAML SSO authorization of ${c.credential_type} ${c.credential_id} of ${login} for organization ${org}`,
    apply: () =>
      githubUnlessAbsent({ what: `removing SSO authorization ${c.credential_id} in ${org}`, needs: NEEDS.sso }, () =>
        octokit.request('DELETE /orgs/{org}/credential-authorizations/{credential_id}', { org, credential_id: c.credential_id }),
      ),
  }));
  return changeReadBack({ steps, dryRun, before, readBack: async () => stateOf(await readMine()), output: { credentialIds } });
}
