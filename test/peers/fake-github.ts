import { randomBytes, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { freePort } from '../helpers/ports.js';

type Role = 'admin' | 'maintain' | 'write' | 'triage' | 'read';
type CredentialType = 'personal access token' | 'SSH key' | 'OAuth app token' | 'GitHub app token';
type DeployKey = { id: number; title: string; readOnly: boolean };

/** The one organization's state: plain data the fake mutates, for tests to seed and inspect. */
export interface FakeGitHubState {
  members: Record<string, 'admin' | 'member'>;
  teams: { slug: string; name: string; members: string[] }[];
  /** Outside collaborators are not stored: as on GitHub, they are the non-members with repository access. */
  repos: Record<string, { collaborators: Record<string, Role>; deployKeys: DeployKey[]; topics?: string[] }>;
  invitations: { id: number; login: string | null; email: string | null; role: 'direct_member' | 'admin' | 'billing_manager' }[];
  patGrants: { id: number; owner: string; tokenName: string }[];
  credentialAuthorizations: { credentialId: number; login: string; type: CredentialType }[];
}

export interface FakeRequest {
  readonly method: string;
  /** `METHOD /path/{template}` as in `routes`; the raw path when no route answered. */
  readonly route: string;
  readonly url: string;
  readonly status: number;
  readonly body: unknown;
}

export interface FakeGitHub {
  /** The REST root, for Octokit's baseUrl. */
  readonly baseUrl: string;
  readonly state: FakeGitHubState;
  /** Every route served, spelled as GitHub's OpenAPI description spells it. */
  readonly routes: readonly string[];
  /** Every request answered, in order, with the body served. */
  readonly requests: FakeRequest[];
  outsideCollaborators(): string[];
  /** Answers the next n requests as rate limited (primary by default), with GitHub's headers. */
  rateLimitNext(n: number, opts?: { status?: 403 | 429; secondary?: boolean }): void;
  /** Answers the next n requests with HTTP 500. */
  serverErrorNext(n: number): void;
  /** Stops listening (connections refused) until start(); same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface FakeGitHubOptions {
  readonly org: string;
  /** A token with every scope. */
  readonly token: string;
  /** A token with read:org only: writes answer 403 naming the scope they need. */
  readonly readOnlyToken?: string;
  /** A GitHub App: JWTs signed by its key get installation tokens; only those may use the token-grant endpoints. */
  readonly app?: { readonly appId: string; readonly publicKeyPem: string; readonly installationId: string };
  readonly seed: FakeGitHubState;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
type Call = { p: Record<string, string>; q: URLSearchParams; body: Record<string, unknown>; url: URL };

const DOCS = 'https://docs.github.com/rest';
const STAMP = '2025-01-15T10:00:00Z';
const err = (status: number, message: string, headers?: Record<string, string>): Answer => ({ status, body: { message, documentation_url: DOCS, status: String(status) }, headers });
const NOT_FOUND = err(404, 'Not Found');
const NO_CONTENT: Answer = { status: 204 };
const same = (a: string | null | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
const LEGACY: Record<Role, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read' };
const urls = (base: string, names: string) => Object.fromEntries(names.split(' ').map((n) => [`${n}_url`, `${base}/${n.replace('_', '/')}`]));
const REPO_URLS = `archive assignees blobs branches collaborators comments commits compare contents contributors deployments downloads events forks
  git_commits git_refs git_tags hooks issue_comment issue_events issues keys labels languages merges milestones notifications pulls releases stargazers
  statuses subscribers subscription tags teams trees`.replace(/\s+/g, ' ');

/** GitHub's response objects, with the required fields the OpenAPI description names. */
function shapes(baseUrl: string, org: string) {
  const ids = new Map<string, number>();
  const idOf = (key: string) => {
    if (!ids.has(key)) ids.set(key, 1000 + ids.size);
    return ids.get(key) ?? 0;
  };
  const nodeId = (kind: string, id: number) => Buffer.from(`${kind}:${id}`).toString('base64');
  const orgUrl = `${baseUrl}/orgs/${org}`;
  const user = (login: string) => {
    const id = idOf(`user:${login.toLowerCase()}`);
    const u = `${baseUrl}/users/${login}`;
    return {
      login,
      id,
      node_id: nodeId('User', id),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: '',
      url: u,
      html_url: `https://github.com/${login}`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      events_url: `${u}/events{/privacy}`,
      ...urls(u, 'followers subscriptions organizations repos received_events'),
      type: 'User',
      site_admin: false,
      user_view_type: 'public',
    };
  };
  const collaborator = (login: string, role: Role) => ({
    ...user(login),
    permissions: { pull: true, triage: role !== 'read', push: LEGACY[role] !== 'read', maintain: role === 'maintain' || role === 'admin', admin: role === 'admin' },
    role_name: role,
  });
  const organization = {
    login: org,
    id: idOf('org'),
    node_id: nodeId('Organization', idOf('org')),
    url: orgUrl,
    ...urls(orgUrl, 'repos events hooks issues'),
    members_url: `${orgUrl}/members{/member}`,
    public_members_url: `${orgUrl}/public_members{/member}`,
    avatar_url: 'https://avatars.githubusercontent.com/u/1',
    description: null,
  };
  return {
    orgUrl,
    user,
    collaborator,
    membership: (login: string, state: 'active' | 'pending', role: string) => ({
      url: `${orgUrl}/memberships/${login}`,
      state,
      role,
      direct_membership: true,
      organization_url: orgUrl,
      organization,
      user: user(login),
    }),
    repository: (name: string) => {
      const id = idOf(`repo:${name}`);
      const api = `${baseUrl}/repos/${org}/${name}`;
      const owner = { ...user(org), type: 'Organization' };
      return {
        id,
        node_id: nodeId('Repository', id),
        name,
        full_name: `${org}/${name}`,
        owner,
        private: true,
        html_url: `https://github.com/${org}/${name}`,
        description: null,
        fork: false,
        url: api,
        ...urls(api, REPO_URLS),
      };
    },
    team: ({ slug, name }: { slug: string; name: string }) => {
      const id = idOf(`team:${slug}`);
      const url = `${orgUrl}/teams/${slug}`;
      return {
        id,
        node_id: nodeId('Team', id),
        url,
        html_url: `https://github.com/orgs/${org}/teams/${slug}`,
        name,
        slug,
        description: null,
        privacy: 'closed',
        notification_setting: 'notifications_enabled',
        permission: 'pull',
        members_url: `${url}/members{/member}`,
        repositories_url: `${url}/repos`,
        parent: null,
        type: 'organization',
      };
    },
    grant: (g: FakeGitHubState['patGrants'][number]) => ({
      id: g.id,
      owner: user(g.owner),
      repository_selection: 'all',
      repositories_url: `${orgUrl}/personal-access-tokens/${g.id}/repositories`,
      permissions: { organization: { members: 'read' }, repository: { contents: 'read' }, other: {} },
      access_granted_at: STAMP,
      token_id: g.id + 50_000,
      token_name: g.tokenName,
      token_expired: false,
      token_expires_at: null,
      token_last_used_at: null,
    }),
    invitation: (i: FakeGitHubState['invitations'][number]) => ({
      id: i.id,
      node_id: nodeId('OrganizationInvitation', i.id),
      login: i.login,
      email: i.email,
      role: i.role,
      created_at: STAMP,
      failed_at: null,
      failed_reason: null,
      inviter: user('warden-admin'),
      team_count: 0,
      invitation_teams_url: `${orgUrl}/invitations/${i.id}/teams`,
      invitation_source: 'member',
    }),
    credential: (a: FakeGitHubState['credentialAuthorizations'][number]) => ({
      login: a.login,
      credential_id: a.credentialId,
      credential_type: a.type,
      credential_authorized_at: STAMP,
      credential_accessed_at: null,
      authorized_credential_id: a.credentialId + 90_000,
      scopes: ['repo'],
    }),
    deployKey: (repo: string, k: DeployKey) => ({
      id: k.id,
      key: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA${k.id}`,
      url: `${baseUrl}/repos/${org}/${repo}/keys/${k.id}`,
      title: k.title,
      verified: true,
      created_at: STAMP,
      read_only: k.readOnly,
      added_by: 'warden-admin',
      last_used: null,
      enabled: true,
    }),
  };
}

/** A JSON request body; undefined when it does not parse (GitHub answers 400). */
function parseBody(raw: string): Record<string, unknown> | undefined {
  try {
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  } catch {
    return undefined;
  }
}

/** One page of `items` with GitHub's Link header, keeping the request's other query parameters. */
function page(items: unknown[], c: Call): Answer {
  const perPage = Math.min(100, Math.max(1, Number(c.q.get('per_page') ?? 30)));
  const current = Math.max(1, Number(c.q.get('page') ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const u = new URL(c.url);
    u.searchParams.set('page', String(n));
    return `<${u.href}>; rel="${rel}"`;
  };
  const rels = [...(current < last ? [link(current + 1, 'next'), link(last, 'last')] : []), ...(current > 1 ? [link(1, 'first'), link(current - 1, 'prev')] : [])];
  return { status: 200, body: items.slice((current - 1) * perPage, current * perPage), headers: rels.length ? { link: rels.join(', ') } : {} };
}

/**
 * A stateful fake of the GitHub REST API for ONE organization, over real HTTP on 127.0.0.1. It
 * serves exactly `routes` with GitHub's status codes, bodies shaped as GitHub's OpenAPI
 * description says (test/activities/github/openapi-shapes.test.ts holds it to that), per_page/page
 * pagination with Link headers, and switches for rate limits, 500s and an outage.
 */
export async function startFakeGitHub(opts: FakeGitHubOptions): Promise<FakeGitHub> {
  const { org } = opts;
  const state = structuredClone(opts.seed);
  const requests: FakeRequest[] = [];
  const appTokens = new Set<string>();
  let rateLimited = { n: 0, status: 403, secondary: false };
  let serverErrors = 0;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const shape = shapes(baseUrl, org);

  const memberKey = (login: string | undefined) => Object.keys(state.members).find((m) => same(m, login));
  const outsideCollaborators = () => {
    const all = new Set(Object.values(state.repos).flatMap((r) => Object.keys(r.collaborators)));
    return [...all].filter((login) => !memberKey(login));
  };
  const repoOf = (c: Call) => (same(c.p.owner, org) ? state.repos[c.p.repo ?? ''] : undefined);
  const dropCollaborator = (login: string | undefined) => (r: { collaborators: Record<string, Role> }) => {
    r.collaborators = Object.fromEntries(Object.entries(r.collaborators).filter(([l]) => !same(l, login)));
  };
  /** Removes the matching items of a state list: 204 when one went, 404 when none did. */
  const removeWhere = <K extends 'invitations' | 'patGrants' | 'credentialAuthorizations'>(key: K, gone: (item: FakeGitHubState[K][number]) => boolean) => {
    const before = state[key].length;
    (state[key] as FakeGitHubState[K][number][]) = state[key].filter((item) => !gone(item));
    return state[key].length < before ? NO_CONTENT : NOT_FOUND;
  };

  const routes: Record<string, (c: Call) => Answer> = {
    'GET /orgs/{org}/memberships/{username}': (c) => {
      const key = memberKey(c.p.username);
      const invited = state.invitations.find((i) => same(i.login, c.p.username));
      if (key) return { status: 200, body: shape.membership(key, 'active', state.members[key] ?? 'member') };
      return invited?.login ? { status: 200, body: shape.membership(invited.login, 'pending', invited.role === 'admin' ? 'admin' : 'member') } : NOT_FOUND;
    },
    'DELETE /orgs/{org}/memberships/{username}': (c) => {
      const key = memberKey(c.p.username);
      if (!key && !state.invitations.some((i) => same(i.login, c.p.username))) return NOT_FOUND;
      if (key) delete state.members[key];
      for (const t of state.teams) t.members = t.members.filter((m) => !same(m, c.p.username));
      removeWhere('invitations', (i) => same(i.login, c.p.username));
      return NO_CONTENT;
    },
    'GET /orgs/{org}/members': (c) => {
      const role = c.q.get('role') ?? 'all';
      return page(
        Object.entries(state.members)
          .filter(([, r]) => role === 'all' || r === role)
          .map(([login]) => shape.user(login)),
        c,
      );
    },
    'GET /orgs/{org}/outside_collaborators': (c) => page(outsideCollaborators().map(shape.user), c),
    'DELETE /orgs/{org}/outside_collaborators/{username}': (c) => {
      if (memberKey(c.p.username)) return { status: 422, body: { message: 'You cannot specify an organization member to remove as an outside collaborator.', documentation_url: DOCS } };
      if (!outsideCollaborators().some((l) => same(l, c.p.username))) return NOT_FOUND;
      Object.values(state.repos).forEach(dropCollaborator(c.p.username));
      return NO_CONTENT;
    },
    'GET /orgs/{org}/personal-access-tokens': (c) => page(state.patGrants.map(shape.grant), c),
    'POST /orgs/{org}/personal-access-tokens/{pat_id}': (c) => {
      if (c.body.action !== 'revoke') return { status: 422, body: { message: 'Validation Failed', documentation_url: DOCS, errors: [{ field: 'action', code: 'invalid' }] } };
      return removeWhere('patGrants', (g) => String(g.id) === c.p.pat_id);
    },
    'GET /orgs/{org}/credential-authorizations': (c) => page(state.credentialAuthorizations.filter((a) => !c.q.get('login') || same(a.login, c.q.get('login') ?? '')).map(shape.credential), c),
    'DELETE /orgs/{org}/credential-authorizations/{credential_id}': (c) => removeWhere('credentialAuthorizations', (a) => String(a.credentialId) === c.p.credential_id),
    'GET /orgs/{org}/invitations': (c) => page(state.invitations.map(shape.invitation), c),
    'DELETE /orgs/{org}/invitations/{invitation_id}': (c) => removeWhere('invitations', (i) => String(i.id) === c.p.invitation_id),
    'GET /orgs/{org}/teams': (c) => page(state.teams.map(shape.team), c),
    'GET /orgs/{org}/teams/{team_slug}/members': (c) => {
      const team = state.teams.find((t) => t.slug === c.p.team_slug);
      return team ? page(team.members.map(shape.user), c) : NOT_FOUND;
    },
    'GET /orgs/{org}/teams/{team_slug}/memberships/{username}': (c) => {
      const team = state.teams.find((t) => t.slug === c.p.team_slug);
      // GitHub documents this 404 ("no team membership") without a body.
      if (!team?.members.some((m) => same(m, c.p.username))) return { status: 404 };
      return { status: 200, body: { url: `${shape.orgUrl}/teams/${team.slug}/memberships/${c.p.username}`, role: 'member', state: 'active' } };
    },
    'DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}': (c) => {
      const team = state.teams.find((t) => t.slug === c.p.team_slug);
      if (!team?.members.some((m) => same(m, c.p.username))) return NOT_FOUND;
      team.members = team.members.filter((m) => !same(m, c.p.username));
      return NO_CONTENT;
    },
    // GitHub's minimal-repository lists carry `topics` (an empty list when none).
    'GET /orgs/{org}/repos': (c) =>
      page(
        Object.entries(state.repos).map(([name, r]) => ({ ...shape.repository(name), topics: r.topics ?? [] })),
        c,
      ),
    'GET /repos/{owner}/{repo}/collaborators': (c) => {
      const r = repoOf(c);
      return r
        ? page(
            Object.entries(r.collaborators).map(([login, role]) => shape.collaborator(login, role)),
            c,
          )
        : NOT_FOUND;
    },
    'GET /repos/{owner}/{repo}/collaborators/{username}/permission': (c) => {
      const r = repoOf(c);
      if (!r) return NOT_FOUND;
      // Direct access, else the organization's base permission (read) for members, else none.
      const direct = Object.entries(r.collaborators).find(([l]) => same(l, c.p.username));
      const [login, role] = direct ?? [c.p.username ?? '', memberKey(c.p.username) ? ('read' as const) : undefined];
      return { status: 200, body: { permission: role ? LEGACY[role] : 'none', role_name: role ?? 'none', user: shape.collaborator(login, role ?? 'read') } };
    },
    'DELETE /repos/{owner}/{repo}/collaborators/{username}': (c) => {
      const r = repoOf(c);
      if (r) dropCollaborator(c.p.username)(r);
      return r ? NO_CONTENT : NOT_FOUND;
    },
    'GET /repos/{owner}/{repo}/keys': (c) => {
      const r = repoOf(c);
      return r
        ? page(
            r.deployKeys.map((k) => shape.deployKey(c.p.repo ?? '', k)),
            c,
          )
        : NOT_FOUND;
    },
    'DELETE /repos/{owner}/{repo}/keys/{key_id}': (c) => {
      const r = repoOf(c);
      const key = r?.deployKeys.find((k) => String(k.id) === c.p.key_id);
      if (!r || !key) return NOT_FOUND;
      r.deployKeys = r.deployKeys.filter((k) => k !== key);
      return NO_CONTENT;
    },
    'POST /app/installations/{installation_id}/access_tokens': (c) => {
      if (c.p.installation_id !== opts.app?.installationId) return NOT_FOUND;
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      appTokens.add(token);
      const permissions = { members: 'write', organization_personal_access_tokens: 'write' };
      return { status: 201, body: { token, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions, repository_selection: 'all' } };
    },
  };
  const compiled = Object.keys(routes).map((route) => {
    const [method = '', path = ''] = route.split(' ');
    const names: string[] = [];
    const source = path.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'));
    return { route, method, names, regex: new RegExp(`^${source}$`) };
  });

  /** An App JWT as GitHub checks it: RS256 signed by the App's key, issued by the App, not expired. */
  const appJwtValid = (jwt: string) => {
    const [head = '', payload = '', signature = ''] = jwt.split('.');
    if (!opts.app || !verify('RSA-SHA256', Buffer.from(`${head}.${payload}`), opts.app.publicKeyPem, Buffer.from(signature, 'base64url'))) return false;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number };
    return String(claims.iss) === opts.app.appId && (claims.exp ?? 0) * 1000 > Date.now();
  };
  const callerOf = (req: IncomingMessage) => {
    const credential = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (credential === opts.token) return 'token';
    if (opts.readOnlyToken && credential === opts.readOnlyToken) return 'read-only';
    if (appTokens.has(credential)) return 'app';
    return credential.split('.').length === 3 && appJwtValid(credential) ? 'app-jwt' : undefined;
  };

  const dispatch = (req: IncomingMessage, url: URL, body: Record<string, unknown>): { route: string; answer: Answer } => {
    const unrouted = `${req.method} ${url.pathname}`;
    if (serverErrors > 0) return (serverErrors--, { route: unrouted, answer: err(500, 'Server Error') });
    if (rateLimited.n > 0) {
      rateLimited.n--;
      const reset = String(Math.ceil(Date.now() / 1000) + 1);
      const primary = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': reset, 'retry-after': '1' };
      if (rateLimited.secondary) return { route: unrouted, answer: err(rateLimited.status, 'You have exceeded a secondary rate limit.', { 'retry-after': '1' }) };
      return { route: unrouted, answer: err(rateLimited.status, 'API rate limit exceeded for installation ID 77.', primary) };
    }
    const found = compiled.map((r) => ({ ...r, m: req.method === r.method ? r.regex.exec(url.pathname) : null })).find((r) => r.m);
    const handler = found && routes[found.route];
    if (!found?.m || !handler) return { route: unrouted, answer: NOT_FOUND };
    const p = Object.fromEntries(found.names.map((n, i) => [n, decodeURIComponent(found.m?.[i + 1] ?? '')]));
    const caller = callerOf(req);
    const answer = (a: Answer) => ({ route: found.route, answer: a });
    if (!caller || (caller === 'app-jwt') !== found.route.startsWith('POST /app/')) return answer(err(401, 'Bad credentials'));
    if (p.org !== undefined && !same(p.org, org)) return answer(NOT_FOUND);
    if (caller === 'read-only' && req.method !== 'GET') {
      const accepted = { 'x-accepted-oauth-scopes': url.pathname.startsWith('/repos/') ? 'repo' : 'admin:org', 'x-oauth-scopes': 'read:org' };
      return answer(err(403, 'Must have admin rights to Organization.', accepted));
    }
    if (found.route.includes('/personal-access-tokens') && caller !== 'app') {
      const accepted = { 'x-accepted-github-permissions': 'organization_personal_access_tokens=read' };
      return answer(err(403, 'Resource not accessible by personal access token', accepted));
    }
    return answer(handler({ p, q: url.searchParams, body, url }));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', baseUrl);
      const body = parseBody(raw);
      const { route, answer } = body ? dispatch(req, url, body) : { route: `${req.method} ${url.pathname}`, answer: err(400, 'Problems parsing JSON') };
      requests.push({ method: req.method ?? '', route, url: url.pathname + url.search, status: answer.status, body: answer.body });
      const json = answer.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' };
      res.writeHead(answer.status, { 'x-github-api-version-selected': '2022-11-28', ...json, ...answer.headers });
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  const start = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  await start();

  return {
    baseUrl,
    state,
    routes: Object.keys(routes),
    requests,
    outsideCollaborators,
    rateLimitNext: (n, o) => {
      rateLimited = { n, status: o?.status ?? 403, secondary: o?.secondary ?? false };
    },
    serverErrorNext: (n) => {
      serverErrors = n;
    },
    stop,
    start,
    close: stop,
  };
}
