import type { IncomingMessage } from 'node:http';
import { hashToken, type IdentityConfig, type Role } from '../../config/file-config.js';
import { HttpError } from '../http-json.js';
import type { Revocations } from './revocations.js';
import { CSRF_HEADER, SESSION_COOKIE, cookieOf, csrfMatches, type ConsoleSessions } from '../console/sessions.js';

/** Who is calling: an identity from the configuration, never a name from the request body. */
export interface Caller {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly groups: readonly string[];
}

/** hr ranks nowhere: it passes only the checks that name it (requireOneOf). */
const RANK: Record<Role, number> = { hr: 0, viewer: 1, responder: 2, admin: 3 };

export interface ApiAuth {
  /** The caller of a request (a bearer token, else a console session cookie), or 401; 403 for a session's change without its CSRF token. */
  authenticate(req: IncomingMessage): Caller;
  /** The caller a bearer token is, or 401 (the console exchanges a token for a session with it). */
  identify(token: string): Caller;
  /** 403 unless the caller holds `role` or a higher one. */
  require(caller: Caller, role: Role, doing: string): void;
  /** 403 unless the caller holds one of `roles` itself (no ranking). */
  requireOneOf(caller: Caller, roles: readonly Role[], doing: string): void;
  /** The caller, who must hold `role` or a higher one, or one of `roles` (401 or 403 otherwise). */
  authorize(req: IncomingMessage, role: Role | readonly Role[], doing: string): Caller;
}

/**
 * Which client sent a request: the console when it is authenticated by a console session (a cookie
 * and no bearer token, as authenticate() reads it), the CLI when it says so in X-Warden-Client, else the API.
 */
export const clientOf = (req: IncomingMessage): 'api' | 'cli' | 'console' =>
  !req.headers.authorization && cookieOf(req, SESSION_COOKIE) !== undefined ? 'console' : req.headers['x-warden-client'] === 'cli' ? 'cli' : 'api';

/** Methods that change nothing: the only ones a console session may use without its CSRF token. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Bearer tokens, looked up by their sha256: the configuration never holds a token itself. With
 * `revocations`, the tokens of a person an offboarding has cut off are refused (401). With
 * `sessions`, a request without a bearer token may present a console session cookie: the session
 * names an identity whose roles are read from `identities` now (a reload or an offboarding applies
 * at once), and every change must carry the session's CSRF token in X-CSRF-Token (403 otherwise).
 */
export function createApiAuth(
  identities: readonly IdentityConfig[],
  revocations?: Pick<Revocations, 'revokedBy'>,
  sessions?: ConsoleSessions,
  /** The directory's person ids: a single-sign-on session acts as one of them, and ends when the person is no longer in it (a reload applies at once). */
  people?: ReadonlySet<string>,
): ApiAuth {
  const byHash = new Map<string, Caller>();
  const byId = new Map<string, Caller>();
  for (const identity of identities) {
    const caller = { id: identity.id, roles: identity.roles, groups: identity.groups };
    byId.set(identity.id, caller);
    for (const token of identity.tokens) byHash.set(token.sha256, caller);
  }
  const notRevoked = (caller: Caller, what: string): Caller => {
    const offboarded = revocations?.revokedBy(caller.id);
    if (offboarded)
      throw new HttpError(401, `revoked ${what}: the Warden access of ${caller.id} was revoked by offboarding-${offboarded}`, undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return caller;
  };
  const fromSession = (req: IncomingMessage, sid: string): Caller => {
    const session = sessions?.find(sid);
    const caller = session?.oidc ? { id: session.identityId, roles: session.oidc.roles, groups: session.oidc.groups } : session && byId.get(session.identityId);
    if (!session || !caller) throw new HttpError(401, 'console session expired or unknown: log in again', undefined, { 'www-authenticate': 'Bearer' });
    if (session.oidc && people && !people.has(session.identityId)) {
      throw new HttpError(401, `console session ended: ${session.identityId} is no longer a person of the directory`, undefined, { 'www-authenticate': 'Bearer' });
    }
    if (!SAFE.has(req.method ?? 'GET') && !csrfMatches(session, req.headers[CSRF_HEADER])) {
      throw new HttpError(403, `a change from a console session needs its CSRF token in ${CSRF_HEADER}`);
    }
    return notRevoked(caller, 'session');
  };
  const auth: ApiAuth = {
    identify(token) {
      const caller = byHash.get(hashToken(token));
      if (!caller) throw new HttpError(401, 'unknown or revoked token', undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
      return notRevoked(caller, 'token');
    },
    authenticate(req) {
      const header = req.headers.authorization ?? '';
      const sid = sessions && !header ? cookieOf(req, SESSION_COOKIE) : undefined;
      if (sid) return fromSession(req, sid);
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new HttpError(401, 'authentication required: send Authorization: Bearer <token>', undefined, { 'www-authenticate': 'Bearer' });
      return auth.identify(match[1]!);
    },
    require(caller, role, doing) {
      const rank = Math.max(0, ...caller.roles.map((r) => RANK[r]));
      if (rank < RANK[role]) throw new HttpError(403, `${caller.id} may not ${doing}: needs role ${role} (has ${caller.roles.join(', ')})`);
    },
    requireOneOf(caller, roles, doing) {
      if (!caller.roles.some((r) => roles.includes(r))) throw new HttpError(403, `${caller.id} may not ${doing}: needs one of the roles ${roles.join(', ')} (has ${caller.roles.join(', ')})`);
    },
    authorize(req, role, doing) {
      const caller = auth.authenticate(req);
      if (typeof role === 'string') auth.require(caller, role, doing);
      else auth.requireOneOf(caller, role, doing);
      return caller;
    },
  };
  return auth;
}
