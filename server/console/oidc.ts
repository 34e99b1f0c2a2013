import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import * as oidc from 'openid-client';
import type { OidcSettings } from '../../config/oidc.js';
import type { Role } from '../../config/roles.js';
import { HttpError } from '../http-json.js';
import { createSealer } from './sealed.js';

/** Who an OIDC login is, from its verified ID token: the email naming the directory person, and the standing its claims give. */
export interface OidcLogin {
  readonly email: string;
  readonly name?: string;
  readonly roles: readonly Role[];
  readonly groups: readonly string[];
}

/** A login in progress in one browser: sealed into the browser's handle cookie (it can neither read nor change it), so any server can finish it. */
const pendingSchema = z
  .object({
    id: z.string().min(16),
    issuer: z.string(),
    clientId: z.string(),
    redirectUri: z.string(),
    state: z.string(),
    nonce: z.string(),
    verifier: z.string(),
    expiresAt: z.number().int(),
  })
  .strict();
type Pending = z.infer<typeof pendingSchema>;

const PENDING_MS = 10 * 60_000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The console's OIDC login: authorization code with PKCE through openid-client. start() makes the
 * authorization URL and a one-use handle (the sealed login) for the browser's cookie; finish() redeems the code with
 * that handle's verifier and checks the state, the nonce, the issuer and the ID token's signature
 * (openid-client), then maps the token's claim to Warden roles. Neither logs anything: no token,
 * no code and no secret leaves here except inside the request to the provider.
 */
export interface OidcClient {
  start(settings: OidcSettings): Promise<{ readonly url: string; readonly handle: string }>;
  finish(settings: OidcSettings, handle: string | undefined, callbackQuery: string): Promise<OidcLogin>;
}

export interface OidcClientOptions {
  /** WARDEN_SESSION_SECRET: the key (derived for this purpose) that seals a login in progress into its cookie. */
  readonly secret: string;
  readonly now?: () => number;
  /** How many finished logins this server remembers, to refuse their handle a second time; at the bound the oldest is forgotten. */
  readonly maxSpent?: number;
}

/**
 * Nothing of a login in progress is kept on the server: its state, nonce and PKCE verifier are
 * sealed into the browser's handle cookie, so a flood of unauthenticated /login requests costs no
 * memory, and the provider's redirect may come back to any server with the same secret. A handle
 * is one use: the browser's cookie is cleared by the callback, this server remembers the handles
 * it finished, and the authorization code itself is one use at the provider, bound to the
 * verifier by PKCE.
 */
export function createOidcClient(opts: OidcClientOptions): OidcClient {
  const now = opts.now ?? Date.now;
  const maxSpent = opts.maxSpent ?? 10_000;
  const sealer = createSealer(opts.secret);
  /** Handles finished here, until they expire anyway (insertion order: the oldest first). */
  const spent = new Map<string, number>();
  /** One discovered configuration per settings object (a reload brings new settings and a fresh discovery). */
  const discovered = new WeakMap<OidcSettings, Promise<oidc.Configuration>>();
  const configOf = (s: OidcSettings): Promise<oidc.Configuration> => {
    let c = discovered.get(s);
    if (!c) {
      const insecure = new URL(s.issuer).protocol === 'http:' && LOOPBACK.has(new URL(s.issuer).hostname);
      c = oidc.discovery(new URL(s.issuer), s.clientId, undefined, oidc.ClientSecretBasic(s.clientSecret), insecure ? { execute: [oidc.allowInsecureRequests] } : {});
      c.catch(() => discovered.delete(s)); // the next login tries again
      discovered.set(s, c);
    }
    return c.catch((err: unknown) => {
      throw new HttpError(502, `the OIDC provider ${s.issuer} could not be discovered: ${(err as Error).message}`);
    });
  };
  const spend = (id: string, expiresAt: number): boolean => {
    const t = now();
    for (const [k, until] of spent) {
      if (until > t && spent.size < maxSpent) break;
      spent.delete(k);
    }
    if (spent.has(id)) return false;
    spent.set(id, expiresAt);
    return true;
  };
  return {
    async start(settings) {
      const config = await configOf(settings);
      const p: Pending = {
        id: randomBytes(16).toString('base64url'),
        issuer: settings.issuer,
        clientId: settings.clientId,
        redirectUri: settings.redirectUri,
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        verifier: oidc.randomPKCECodeVerifier(),
        expiresAt: now() + PENDING_MS,
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes.join(' '),
        state: p.state,
        nonce: p.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(p.verifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, handle: sealer.seal('oidc-login', p) };
    },
    async finish(settings, handle, callbackQuery) {
      const parsed = handle ? pendingSchema.safeParse(sealer.open('oidc-login', handle)) : undefined;
      const p = parsed?.success ? parsed.data : undefined;
      const current = p && p.expiresAt > now() && p.issuer === settings.issuer && p.clientId === settings.clientId && p.redirectUri === settings.redirectUri;
      // One use, whatever comes of it.
      if (!p || !current || !spend(p.id, p.expiresAt)) {
        throw new HttpError(400, 'no console login in progress in this browser (or it expired, or was used): start again at /console/');
      }
      const config = await configOf(settings);
      const back = new URL(settings.redirectUri);
      back.search = callbackQuery;
      let claims: oidc.IDToken | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, back, { pkceCodeVerifier: p.verifier, expectedState: p.state, expectedNonce: p.nonce, idTokenExpected: true });
        claims = tokens.claims();
      } catch (err) {
        // openid-client's message, and its cause's (oauth4webapi's fixed text naming the check: state, nonce, iss, signature…);
        // never the cause's data, which may hold the response's tokens.
        const cause = (err as Error).cause;
        throw new HttpError(401, `login refused: ${(err as Error).message}${cause instanceof Error ? `: ${cause.message}` : ''}`);
      }
      if (!claims) throw new HttpError(401, 'login refused: the provider returned no ID token');
      return mapClaims(settings, claims);
    },
  };
}

/**
 * The email and roles an ID token's claims give under the settings' role map: 403 when the email
 * claim is missing, not an email, or said unverified (email_verified: false), and when the roles
 * claim maps to no role.
 */
export function mapClaims(s: OidcSettings, claims: Readonly<Record<string, unknown>>): OidcLogin {
  const email = claims[s.emailClaim];
  if (typeof email !== 'string' || !EMAIL.test(email)) throw new HttpError(403, `login refused: the ID token's ${s.emailClaim} claim is missing or not an email`);
  if (claims.email_verified === false) throw new HttpError(403, `login refused: the provider says ${email} is not verified`);
  const raw = claims[s.rolesClaim];
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v): v is string => typeof v === 'string');
  const roles = [...new Set(values.flatMap((v) => (Object.hasOwn(s.roleMap, v) ? s.roleMap[v]! : [])))];
  if (roles.length === 0) throw new HttpError(403, `login refused: ${email}'s ${s.rolesClaim} (${values.join(', ') || 'none'}) map to no Warden role (console.oidc.role_map)`);
  const name = typeof claims.name === 'string' ? claims.name : undefined;
  return { email, ...(name ? { name } : {}), roles, groups: values };
}
