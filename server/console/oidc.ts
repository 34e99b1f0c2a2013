import { createHash, randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { OidcSettings } from '../../config/oidc.js';
import type { Role } from '../../config/roles.js';
import { HttpError } from '../http-json.js';

/** Who an OIDC login is, from its verified ID token: the email naming the directory person, and the standing its claims give. */
export interface OidcLogin {
  readonly email: string;
  readonly name?: string;
  readonly roles: readonly Role[];
  readonly groups: readonly string[];
}

/** A login in progress in one browser: its state, nonce and PKCE verifier, kept here (never in the browser). */
interface Pending {
  readonly settings: OidcSettings;
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly expiresAt: number;
}

const PENDING_MS = 10 * 60_000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const digest = (v: string): string => createHash('sha256').update(v).digest('hex');

/**
 * The console's OIDC login: authorization code with PKCE through openid-client. start() makes the
 * authorization URL and a one-use handle for the browser's cookie; finish() redeems the code with
 * that handle's verifier and checks the state, the nonce, the issuer and the ID token's signature
 * (openid-client), then maps the token's claim to Warden roles. Neither logs anything: no token,
 * no code and no secret leaves here except inside the request to the provider.
 */
export interface OidcClient {
  start(settings: OidcSettings): Promise<{ readonly url: string; readonly handle: string }>;
  finish(settings: OidcSettings, handle: string | undefined, callbackQuery: string): Promise<OidcLogin>;
}

/**
 * `maxPending` bounds the logins in progress. At the bound the oldest is dropped, never the new one
 * refused: a flood of unauthenticated /login requests can then only make a slow login start again,
 * not lock every person out.
 */
export function createOidcClient(now: () => number = Date.now, maxPending = 10_000): OidcClient {
  const pending = new Map<string, Pending>();
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
  const sweep = () => {
    const t = now();
    for (const [k, p] of pending) if (p.expiresAt <= t) pending.delete(k);
  };
  return {
    async start(settings) {
      const config = await configOf(settings);
      sweep();
      for (const oldest of pending.keys()) {
        if (pending.size < maxPending) break;
        pending.delete(oldest); // a Map iterates in insertion order: the oldest first
      }
      const p: Pending = { settings, state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), expiresAt: now() + PENDING_MS };
      const handle = randomBytes(32).toString('base64url');
      pending.set(digest(handle), p);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes.join(' '),
        state: p.state,
        nonce: p.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(p.verifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, handle };
    },
    async finish(settings, handle, callbackQuery) {
      const key = handle ? digest(handle) : '';
      const p = pending.get(key);
      pending.delete(key); // one use, whatever comes of it
      if (!p || p.expiresAt <= now() || p.settings !== settings) {
        throw new HttpError(400, 'no console login in progress in this browser (or it expired, or was used): start again at /console/');
      }
      const config = await configOf(settings);
      const current = new URL(settings.redirectUri);
      current.search = callbackQuery;
      let claims: oidc.IDToken | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: p.verifier, expectedState: p.state, expectedNonce: p.nonce, idTokenExpected: true });
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
