import type { IncomingMessage } from 'node:http';
import { hashToken, type IdentityConfig, type Role } from '../../config/file-config.js';
import { HttpError } from '../http-json.js';
import type { Revocations } from './revocations.js';

/** Who is calling: an identity from the configuration, never a name from the request body. */
export interface Caller {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly groups: readonly string[];
}

/** hr ranks nowhere: it passes only the checks that name it (requireOneOf). */
const RANK: Record<Role, number> = { hr: 0, viewer: 1, responder: 2, admin: 3 };

export interface ApiAuth {
  /** The caller of a request, or 401. */
  authenticate(req: IncomingMessage): Caller;
  /** 403 unless the caller holds `role` or a higher one. */
  require(caller: Caller, role: Role, doing: string): void;
  /** 403 unless the caller holds one of `roles` itself (no ranking). */
  requireOneOf(caller: Caller, roles: readonly Role[], doing: string): void;
  /** The caller, who must hold `role` or a higher one, or one of `roles` (401 or 403 otherwise). */
  authorize(req: IncomingMessage, role: Role | readonly Role[], doing: string): Caller;
}

/** Which client sent a request: the CLI says so in X-Warden-Client; anything else is the API. */
export const clientOf = (req: IncomingMessage): 'api' | 'cli' => (req.headers['x-warden-client'] === 'cli' ? 'cli' : 'api');

/**
 * Bearer tokens, looked up by their sha256: the configuration never holds a token itself. With
 * `revocations`, the tokens of a person an offboarding has cut off are refused (401).
 */
export function createApiAuth(identities: readonly IdentityConfig[], revocations?: Pick<Revocations, 'revokedBy'>): ApiAuth {
  const byHash = new Map<string, Caller>();
  for (const identity of identities) {
    for (const token of identity.tokens) byHash.set(token.sha256, { id: identity.id, roles: identity.roles, groups: identity.groups });
  }
  const auth: ApiAuth = {
    authenticate(req) {
      const header = req.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new HttpError(401, 'authentication required: send Authorization: Bearer <token>', undefined, { 'www-authenticate': 'Bearer' });
      const caller = byHash.get(hashToken(match[1]!));
      if (!caller) throw new HttpError(401, 'unknown or revoked token', undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
      const offboarded = revocations?.revokedBy(caller.id);
      if (offboarded)
        throw new HttpError(401, `revoked token: the Warden access of ${caller.id} was revoked by offboarding-${offboarded}`, undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
      return caller;
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
