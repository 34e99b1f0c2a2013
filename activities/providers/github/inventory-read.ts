import type { CodeHostRead, RepositoryRead } from '../../ports/inventory.js';
import { NEEDS, type GitHubContext } from './change-helpers.js';
import { createGitHubClient } from './github-client.js';
import type { GitHubCodeHostOptions } from './github-code-host.js';
import { github } from './errors.js';

/**
 * The inventory's GitHub read: the organization's repositories (repos.listForOrg) that carry one of
 * the topics or are named, with their direct collaborators and each one's role. Read-only.
 */
export function createGitHubInventoryRead(opts: GitHubCodeHostOptions): CodeHostRead {
  const { octokit, org }: GitHubContext = { octokit: createGitHubClient(opts), org: opts.org };
  return {
    org,
    async listRepositories(match) {
      const names = new Set(match.names.map((n) => n.toLowerCase()));
      const repos = await github({ what: `listing the repositories of ${org}`, needs: NEEDS.readOrg }, () => octokit.paginate(octokit.rest.repos.listForOrg, { org, per_page: 100 }));
      const picked = repos.filter((r) => (r.topics ?? []).some((t) => match.topics.includes(t)) || names.has(r.name.toLowerCase()) || names.has(r.full_name.toLowerCase()));
      const out: RepositoryRead[] = [];
      for (const r of picked) {
        const people = await github({ what: `listing the direct collaborators of ${r.full_name}`, needs: NEEDS.repoAdmin }, () =>
          octokit.paginate(octokit.rest.repos.listCollaborators, { owner: r.owner.login, repo: r.name, affiliation: 'direct', per_page: 100 }),
        );
        out.push({ repo: r.full_name, topics: r.topics ?? [], collaborators: people.map((c) => ({ login: c.login, permission: c.role_name })) });
      }
      return out;
    },
  };
}
