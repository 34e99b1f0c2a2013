import type { WardenConfig } from '../../config/config.js';
import type { Person } from '../../contracts/directory.js';
import type { ApiAuth, Caller } from '../auth/api-auth.js';
import { maskedConfig } from '../config-view.js';
import { z } from 'zod';
import { HttpError, parseBody, readJsonBody } from '../http-json.js';
import { route, type Route } from '../router.js';

/** What a reload did: the file now in effect, or why the previous configuration stays. */
export type ReloadOutcome =
  { readonly ok: true; readonly path?: string; readonly sha256?: string; readonly identities: number; readonly people: number } | { readonly ok: false; readonly errors: readonly string[] };

const RELOAD_BODY = z.strictObject({});

export interface ConfigRouteDeps {
  readonly auth: ApiAuth;
  readonly config: WardenConfig;
  readonly personOf: (caller: Caller) => Promise<Person | undefined>;
  /** Re-reads warden.yaml and swaps it in atomically when valid; keeps the old one otherwise. */
  readonly reload: () => ReloadOutcome;
}

/**
 * GET /v1/config (admin): the effective settings, secrets masked. POST /v1/config/reload (admin):
 * re-read warden.yaml (as SIGHUP does); 422 with every problem when it does not validate, and the
 * previous configuration stays. GET /v1/whoami (any identity): who the token is, with roles, groups
 * and the person of the directory.
 */
export function configRoutes(d: ConfigRouteDeps): Route[] {
  return [
    route({
      method: 'GET',
      path: '/v1/config',
      responses: { 200: 'ConfigView' },
      async handle(req, res, _params, send) {
        d.auth.authorize(req, 'admin', 'read the configuration');
        send(200, maskedConfig(d.config));
      },
    }),
    route({
      method: 'POST',
      path: '/v1/config/reload',
      responses: { 200: 'ConfigReloaded' },
      body: RELOAD_BODY,
      async handle(req, res, _params, send) {
        d.auth.authorize(req, 'admin', 'reload the configuration');
        // The request names nothing: the server re-reads its own file. Anything in the body is a mistake, refused before reloading.
        parseBody(RELOAD_BODY, await readJsonBody(req, 64 * 1024), 'reload request (send {})');
        const outcome = d.reload();
        if (!outcome.ok) {
          throw new HttpError(
            422,
            `${d.config.filePath ?? 'warden.yaml'} not reloaded: it does not validate; the previous configuration stays in effect`,
            outcome.errors.map((message) => ({ path: '', message })),
          );
        }
        send(200, { reloaded: true, path: outcome.path ?? null, sha256: outcome.sha256 ?? null, identities: outcome.identities, people: outcome.people });
      },
    }),
    route({
      method: 'GET',
      path: '/v1/whoami',
      responses: { 200: 'WhoAmI' },
      async handle(req, res, _params, send) {
        const caller = d.auth.authenticate(req);
        const identity = d.config.file.identities.find((i) => i.id === caller.id);
        const person = await d.personOf(caller);
        send(200, {
          id: caller.id,
          ...(identity?.name ? { name: identity.name } : {}),
          roles: caller.roles,
          groups: caller.groups,
          person: person ? { id: person.id, name: person.name, email: person.email } : null,
        });
      },
    }),
  ];
}
