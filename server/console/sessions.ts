import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Role } from '../../config/roles.js';

/** The console's session cookie: HttpOnly, SameSite=Strict, Path=/, Secure when the request came over TLS. */
export const SESSION_COOKIE = 'warden_session';
/** The header a console change carries its session's CSRF token in (synchronizer token: the server keeps it with the session). */
export const CSRF_HEADER = 'x-csrf-token';

export interface ConsoleSession {
  /** The API identity (warden.yaml `identities`, or the embedded local admin) the session acts as; its roles are read at each request. */
  readonly identityId: string;
  /** An OIDC login's standing, fixed at login from the ID token (its identity is in no warden.yaml list); absent: read from the identities in effect. */
  readonly oidc?: { readonly roles: readonly Role[]; readonly groups: readonly string[]; readonly name?: string };
  readonly csrf: string;
  readonly expiresAt: number;
}

/**
 * Console sessions and one-time login codes, in the server's memory (a restart logs everyone out).
 * Only digests of session ids and codes are kept as keys, so a heap dump does not hand out sessions.
 */
export interface ConsoleSessions {
  /** A new session for `identityId`: the cookie value (shown once) and its CSRF token. */
  open(identityId: string, oidc?: ConsoleSession['oidc']): { readonly sid: string; readonly session: ConsoleSession };
  /** The live session a cookie value names, or undefined (unknown, expired or closed). */
  find(sid: string): ConsoleSession | undefined;
  close(sid: string): void;
  /** A one-time login code for `identityId`, valid for `ttlMs` (default 15 min). */
  issueLoginCode(identityId: string, ttlMs?: number): string;
  /** The identity of a login code, once: a second use, or a use after it expired, is undefined. */
  redeemLoginCode(code: string): string | undefined;
}

const digest = (value: string): string => createHash('sha256').update(value).digest('hex');
const token = (): string => randomBytes(32).toString('base64url');

export function createConsoleSessions(opts: { ttlMs?: number; now?: () => number } = {}): ConsoleSessions {
  const ttl = opts.ttlMs ?? 8 * 3600_000;
  const now = opts.now ?? Date.now;
  const sessions = new Map<string, ConsoleSession>();
  const codes = new Map<string, { identityId: string; expiresAt: number }>();
  const sweep = (): void => {
    const t = now();
    for (const [k, s] of sessions) if (s.expiresAt <= t) sessions.delete(k);
    for (const [k, c] of codes) if (c.expiresAt <= t) codes.delete(k);
  };
  return {
    open(identityId, oidc) {
      sweep();
      const sid = token();
      const session = { identityId, ...(oidc ? { oidc } : {}), csrf: token(), expiresAt: now() + ttl };
      sessions.set(digest(sid), session);
      return { sid, session };
    },
    find(sid) {
      const s = sessions.get(digest(sid));
      if (!s) return undefined;
      if (s.expiresAt <= now()) {
        sessions.delete(digest(sid));
        return undefined;
      }
      return s;
    },
    close(sid) {
      sessions.delete(digest(sid));
    },
    issueLoginCode(identityId, ttlMs = 15 * 60_000) {
      sweep();
      const code = token();
      codes.set(digest(code), { identityId, expiresAt: now() + ttlMs });
      return code;
    },
    redeemLoginCode(code) {
      const key = digest(code);
      const c = codes.get(key);
      codes.delete(key);
      return c && c.expiresAt > now() ? c.identityId : undefined;
    },
  };
}

/** The value of one cookie of a request, or undefined. */
export function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** Whether the request reached this server over TLS. */
export const overTls = (req: IncomingMessage): boolean => (req.socket as Partial<TLSSocket>).encrypted === true;

/** The Set-Cookie value of a session (or of its removal, with an empty value and Max-Age=0). */
export function sessionCookie(req: IncomingMessage, sid: string, maxAgeS: number): string {
  return [`${SESSION_COOKIE}=${sid}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeS}`, ...(overTls(req) ? ['Secure'] : [])].join('; ');
}

/** Whether a presented CSRF token is the session's (constant time). */
export function csrfMatches(session: ConsoleSession, presented: string | string[] | undefined): boolean {
  if (typeof presented !== 'string' || presented.length !== session.csrf.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(session.csrf));
}
