import { z } from 'zod';
import { ConfigError } from './errors.js';
import { ROLES, type Role } from './roles.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const httpsOrLoopback = (what: string) =>
  z.url().refine((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }, `${what} must be https (http only on 127.0.0.1 or localhost)`);

/** warden.yaml `console.oidc`: the console's single sign-on. The client secret is never here: WARDEN_OIDC_CLIENT_SECRET. */
const oidcFileSchema = z.strictObject({
  /** The issuer URL (its /.well-known/openid-configuration is read); WARDEN_OIDC_ISSUER overrides it. */
  issuer: httpsOrLoopback('the issuer').optional(),
  /** WARDEN_OIDC_CLIENT_ID overrides it. */
  client_id: z.string().min(1).max(256).optional(),
  /** This server's callback, registered at the provider: https://<warden>/console/oidc/callback; WARDEN_OIDC_REDIRECT_URI overrides it. */
  redirect_uri: httpsOrLoopback('the redirect URI')
    .refine((u) => new URL(u).pathname === '/console/oidc/callback', 'the redirect URI must end in /console/oidc/callback')
    .optional(),
  scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope token')).default(['openid', 'email', 'profile']),
  /** The ID-token claim whose values are mapped to roles (a string or a list of strings), e.g. groups. */
  roles_claim: z.string().min(1).default('groups'),
  /** Each claim value → the Warden roles it grants; a person whose values map to none is refused. */
  role_map: z.record(z.string().min(1), z.array(z.enum(ROLES)).min(1)).refine((m) => Object.keys(m).length > 0, 'map at least one claim value to a role'),
  /** The ID-token claim holding the person's email: the login is the directory person (people:) with that email, and is refused when none is. */
  email_claim: z.string().min(1).default('email'),
});

/** warden.yaml `console:` */
export const consoleFileSchema = z.strictObject({ oidc: oidcFileSchema.optional() });
export type ConsoleFileConfig = z.infer<typeof consoleFileSchema>;

/** The console's OIDC login, resolved from warden.yaml and the environment. */
export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  /** From WARDEN_OIDC_CLIENT_SECRET only. Never logged, never in an error or a record. */
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly rolesClaim: string;
  readonly roleMap: Readonly<Record<string, readonly Role[]>>;
  readonly emailClaim: string;
}

/**
 * The console's OIDC settings, or undefined when `console.oidc` is absent (the console then offers
 * the login link and API tokens only). Every missing piece is named in one ConfigError.
 */
export function loadOidcSettings(file: ConsoleFileConfig, env: NodeJS.ProcessEnv): OidcSettings | undefined {
  const o = file.oidc;
  if (!o) return undefined;
  const pick = (name: string, fromFile: string | undefined) => (env[name] ? env[name] : fromFile);
  const issuer = pick('WARDEN_OIDC_ISSUER', o.issuer);
  const clientId = pick('WARDEN_OIDC_CLIENT_ID', o.client_id);
  const redirectUri = pick('WARDEN_OIDC_REDIRECT_URI', o.redirect_uri);
  const clientSecret = env.WARDEN_OIDC_CLIENT_SECRET;
  const problems = [
    ...(issuer ? [] : ['console.oidc.issuer: required (or WARDEN_OIDC_ISSUER)']),
    ...(clientId ? [] : ['console.oidc.client_id: required (or WARDEN_OIDC_CLIENT_ID)']),
    ...(redirectUri ? [] : ['console.oidc.redirect_uri: required (or WARDEN_OIDC_REDIRECT_URI): https://<this server>/console/oidc/callback']),
    ...(clientSecret ? [] : ['WARDEN_OIDC_CLIENT_SECRET: required when console.oidc is set (the client secret is read from the environment only)']),
  ];
  for (const [name, value] of [
    ['WARDEN_OIDC_ISSUER', env.WARDEN_OIDC_ISSUER],
    ['WARDEN_OIDC_REDIRECT_URI', env.WARDEN_OIDC_REDIRECT_URI],
  ] as const) {
    const checked = value ? httpsOrLoopback(name).safeParse(value) : undefined;
    if (checked && !checked.success) problems.push(`${name}: ${checked.error.issues[0]?.message ?? 'not a URL'}`);
  }
  if (!o.scopes.includes('openid')) problems.push('console.oidc.scopes: must include openid');
  if (problems.length > 0) throw new ConfigError(problems);
  return { issuer: issuer!, clientId: clientId!, clientSecret: clientSecret!, redirectUri: redirectUri!, scopes: o.scopes, rolesClaim: o.roles_claim, roleMap: o.role_map, emailClaim: o.email_claim };
}
