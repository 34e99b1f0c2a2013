/**
 * A real OpenID provider for the console's login tests: the oidc-provider package, in the test
 * process on 127.0.0.1, with RS256 keys made here. Its login step signs in whoever `loginAs` names
 * (no form), and it grants the requested scopes without a consent page, so a test drives the whole
 * authorization-code flow with plain HTTP requests (a Browser keeping each host's cookies).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';
import type { OidcSettings } from '../../config/oidc.js';
import { listen } from '../../server/app.js';

export interface IdpAccount {
  readonly email: string;
  readonly email_verified?: boolean;
  readonly name?: string;
  readonly groups: readonly string[];
}

export interface TestIdp {
  readonly issuer: string;
  /** Who the next login at this provider is. */
  loginAs: string;
  close(): Promise<void>;
}

export interface IdpClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
}

/** The console's OIDC settings for `client` of a test provider: its groups claim mapped by `roleMap`, the email claim naming the person. */
export function testOidcSettings(idp: TestIdp, client: IdpClient, roleMap: OidcSettings['roleMap'], scopes = ['openid', 'email', 'profile', 'groups']): OidcSettings {
  return { issuer: idp.issuer, clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri, scopes, rolesClaim: 'groups', roleMap, emailClaim: 'email' };
}

export async function startTestIdp(accounts: Readonly<Record<string, IdpAccount>>, clients: readonly IdpClient[]): Promise<TestIdp> {
  const server: Server = createServer();
  const port = await listen(server, '127.0.0.1', 0);
  const issuer = `http://127.0.0.1:${port}`;
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({ client_id: c.clientId, client_secret: c.clientSecret, redirect_uris: [c.redirectUri], response_types: ['code'], grant_types: ['authorization_code'] })),
    jwks: { keys: [{ ...jwk, kid: 'test', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, id) => {
      const a = accounts[id];
      return a ? { accountId: id, claims: () => ({ sub: id, ...a, groups: [...a.groups] }) } : undefined;
    },
    // No consent page: every scope the client asks for is granted.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(ctx.oidc.params!.scope as string);
      await grant.save();
      return grant;
    },
  });
  const idp: TestIdp = {
    issuer,
    loginAs: '',
    close: () => new Promise((done) => server.close(() => done())),
  };
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      provider.interactionFinished(req, res, { login: { accountId: idp.loginAs } }, { mergeWithLastSubmission: false }).catch((err: unknown) => {
        res.writeHead(500).end((err as Error).message);
      });
      return;
    }
    void callback(req, res);
  });
  return idp;
}

/** A browser without a window: fetches without following redirects, keeping each origin's cookies. */
export class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    jar.set(name, value);
    this.jars.set(origin, jar);
  }

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const { origin } = new URL(url);
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || pair.slice(at + 1) === '') jar.delete(name);
      else jar.set(name, pair.slice(at + 1).trim());
    }
    return res;
  }

  /** Follows redirects until one leads to a URL starting with `stopAt` (returned, not fetched). */
  async followUntil(url: string, stopAt: string): Promise<string> {
    let next = url;
    for (let hops = 0; hops < 10; hops++) {
      if (next.startsWith(stopAt)) return next;
      const res = await this.get(next);
      const location = res.headers.get('location');
      if (!location) throw new Error(`${next} answered ${res.status} without a redirect: ${(await res.text()).slice(0, 300)}`);
      next = new URL(location, next).href;
    }
    throw new Error(`too many redirects before ${stopAt}`);
  }
}

/** A browser logged in to the Warden at `wardenUrl` as `who` of `idp`, through the whole flow (its session cookie kept). */
export async function loginThroughIdp(wardenUrl: string, idp: TestIdp, who: string): Promise<Browser> {
  const b = new Browser();
  const start = await b.get(`${wardenUrl}/console/oidc/login`);
  idp.loginAs = who;
  const callback = await new Browser().followUntil(start.headers.get('location') ?? '', `${wardenUrl}/console/oidc/callback`);
  const done = await b.get(callback);
  if (done.status !== 303 || !b.cookie(wardenUrl, 'warden_session')) throw new Error(`login as ${who} failed: ${done.status} ${await done.text()}`);
  return b;
}
