import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';
import { ROLES, type Role } from '../../config/roles.js';
import { HttpError } from '../http-json.js';
import { memoryLogouts, type SessionLogouts } from './logouts.js';
import { createSealer } from './sealed.js';

/** The console's session cookie: HttpOnly, SameSite=Strict, Path=/, Secure when the request came over TLS. */
export const SESSION_COOKIE = 'warden_session';
/** The header a console change carries its session's CSRF token in (synchronizer token: the server keeps it with the session). */
export const CSRF_HEADER = 'x-csrf-token';

export interface ConsoleSession {
  /** A random id naming the session, to close it (a logout) on every server. */
  readonly id: string;
  /** The API identity (warden.yaml `identities`, or the embedded local admin) the session acts as; its roles are read at each request. */
  readonly identityId: string;
  /** An OIDC login's standing, fixed at login from the ID token (its identity is in no warden.yaml list); absent: read from the identities in effect. */
  readonly oidc?: { readonly roles: readonly Role[]; readonly groups: readonly string[]; readonly name?: string };
  readonly csrf: string;
  readonly expiresAt: number;
}

/**
 * Console sessions, and the one-time login codes `warden start` prints.
 *
 * A session is the cookie itself: sealed (server/console/sealed.ts) under WARDEN_SESSION_SECRET, so
 * every server given that secret honours it, and no server keeps sessions in its memory or on its
 * disk. A logout is recorded through `logouts` (in Temporal on a real server), so the session is
 * refused everywhere, not only where it was closed. Login codes stay in this process: they are
 * issued by the server `warden start` runs, for that server.
 */
export interface ConsoleSessions {
  /** A new session for `identityId`: the cookie value (shown once) and the session it seals. */
  open(identityId: string, oidc?: ConsoleSession['oidc']): { readonly sid: string; readonly session: ConsoleSession };
  /** The live session a cookie value seals, or undefined (not sealed by this secret, changed, expired or closed); a 503 when logouts cannot be checked. */
  find(sid: string): ConsoleSession | undefined;
  /** The session a cookie value seals, if sealed here and unexpired, whether or not it was logged out (to log it out). */
  peek(sid: string): ConsoleSession | undefined;
  /** Closes the session a cookie value seals, durably; resolves when every server will refuse it. */
  close(sid: string): Promise<void>;
  /** A one-time login code for `identityId`, valid for `ttlMs` (default 15 min). */
  issueLoginCode(identityId: string, ttlMs?: number): string;
  /** The identity of a login code, once: a second use, or a use after it expired, is undefined. */
  redeemLoginCode(code: string): string | undefined;
}

/** A browser keeps about 4 KiB per cookie: a session sealed larger than this is refused at login, never silently cut. */
export const MAX_SESSION_COOKIE = 3800;

const digest = (value: string): string => createHash('sha256').update(value).digest('hex');
const token = (): string => randomBytes(32).toString('base64url');

const sealedSession = z
  .object({
    id: z.string().min(16),
    identityId: z.string().min(1),
    oidc: z
      .object({ roles: z.array(z.enum(ROLES)), groups: z.array(z.string()), name: z.string().optional() })
      .strict()
      .optional(),
    csrf: z.string().min(16),
    expiresAt: z.number().int(),
  })
  .strict();

export interface ConsoleSessionOptions {
  /** WARDEN_SESSION_SECRET: every server behind one address needs the same. */
  readonly secret: string;
  /** Where logouts are recorded (server/console/logouts.ts); default: this process's memory. */
  readonly logouts?: SessionLogouts;
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export function createConsoleSessions(opts: ConsoleSessionOptions): ConsoleSessions {
  const ttl = opts.ttlMs ?? 8 * 3600_000;
  const now = opts.now ?? Date.now;
  const sealer = createSealer(opts.secret);
  const logouts = opts.logouts ?? memoryLogouts(now);
  const codes = new Map<string, { identityId: string; expiresAt: number }>();
  const peek = (sid: string): ConsoleSession | undefined => {
    const parsed = sealedSession.safeParse(sealer.open('console-session', sid));
    if (!parsed.success) return undefined;
    const { oidc, ...rest } = parsed.data;
    const session: ConsoleSession = { ...rest, ...(oidc ? { oidc: { roles: oidc.roles, groups: oidc.groups, ...(oidc.name ? { name: oidc.name } : {}) } } : {}) };
    return session.expiresAt > now() ? session : undefined;
  };
  const find = (sid: string): ConsoleSession | undefined => {
    const session = peek(sid);
    return session && !logouts.isClosed(session.id) ? session : undefined;
  };
  return {
    open(identityId, oidc) {
      const session: ConsoleSession = { id: token(), identityId, ...(oidc ? { oidc } : {}), csrf: token(), expiresAt: now() + ttl };
      const sid = sealer.seal('console-session', session);
      if (sid.length > MAX_SESSION_COOKIE) {
        throw new HttpError(
          403,
          `login refused: the session of ${identityId} would be a ${sid.length}-byte cookie, over the ${MAX_SESSION_COOKIE} a browser keeps (${oidc?.groups.length ?? 0} groups); have the provider send fewer groups in the claim console.oidc.roles_claim names`,
        );
      }
      return { sid, session };
    },
    find,
    peek,
    async close(sid) {
      const session = peek(sid);
      if (session) await logouts.record(session.id, session.expiresAt);
    },
    issueLoginCode(identityId, ttlMs = 15 * 60_000) {
      const t = now();
      for (const [k, c] of codes) if (c.expiresAt <= t) codes.delete(k);
      const code = token();
      codes.set(digest(code), { identityId, expiresAt: t + ttlMs });
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
