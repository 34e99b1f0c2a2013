import { createHash, randomBytes } from 'node:crypto';
import { LOCAL_ADMIN_ID } from '../contracts/incident.js';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { awsAccountsSchema } from './aws-accounts.js';
import { DEFAULT_OFFBOARDING_SETTINGS, directorySchema, offboardingSettingsSchema } from './directory.js';
import { protectedSchema } from './protected.js';
import { DEFAULT_REVIEW_SETTINGS, reviewPersonRefs, reviewSettingsSchema } from './reviews.js';

import { ROLES } from './roles.js';
import { consoleFileSchema } from './oidc.js';

export { ROLES, type Role } from './roles.js';

const identitySchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/, 'letters, digits and . _ @ -'),
  name: z.string().optional(),
  email: z.email().optional(),
  roles: z.array(z.enum(ROLES)).min(1),
  groups: z.array(z.string().min(1)).default([]),
  /** The person's Slack user id (U…/W…): how a Slack click maps to this identity. Never a display name. */
  slack_user_id: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id such as U012AB3CD')
    .optional(),
  tokens: z.array(z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the hex sha256 of the token (never the token itself)'), label: z.string().optional() })).default([]),
});

const fileFields = z.strictObject({
  identities: z.array(identitySchema).default([]),
  /** The directory: people, their accounts and managers (offboarding, reviews). */
  people: directorySchema.default([]),
  offboarding: offboardingSettingsSchema.default(DEFAULT_OFFBOARDING_SETTINGS),
  /** Other AWS accounts, each through a role Warden assumes. */
  aws: awsAccountsSchema.default({ accounts: [] }),
  slack: z
    .strictObject({
      /** Map a Slack user to an identity by the email Slack reports, when no slack_user_id matches. Off by default. */
      match_by_email: z.boolean().default(false),
      /** The Slack workspace (team id, T…) whose users may act in Warden; required when the Slack app is on. */
      team_id: z
        .string()
        .regex(/^[TE][A-Z0-9]{2,20}$/, 'a Slack team id (T… or, for Enterprise Grid, E…)')
        .optional(),
    })
    .default({ match_by_email: false }),
  /** Quarterly access reviews: reviewers, deadlines, what silence means, the evidence's recipients. */
  reviews: reviewSettingsSchema.default(DEFAULT_REVIEW_SETTINGS),
  /** The model registry's webhooks (POST /v1/alerts/mlflow): the aliases that serve production, whose moves and whose versions' tags are checked. */
  mlflow: z
    .strictObject({
      watched_aliases: z.array(z.string().trim().min(1).max(256)).min(1, 'name at least one alias (e.g. champion)').default(['champion', 'production']),
    })
    .default({ watched_aliases: ['champion', 'production'] }),
  /** Principals no playbook changes without a person's approval (config/protected.ts). */
  protected: protectedSchema.default({ aws_users: [], aws_roles: [], github_logins: [], mlflow_users: [], patterns: [] }),
  /** The response-time targets GET /v1/kpis and `warden kpi` measure against (MTTD < 4 h, MTTR < 24 h). */
  kpi: z
    .strictObject({
      targets: z.strictObject({ mttd_hours: z.number().positive().max(8760).default(4), mttr_hours: z.number().positive().max(8760).default(24) }).default({ mttd_hours: 4, mttr_hours: 24 }),
    })
    .default({ targets: { mttd_hours: 4, mttr_hours: 24 } }),
  /** The web console: its OIDC single sign-on (config/oidc.ts). */
  console: consoleFileSchema.default({}),
});

/** Across sections: reviewers and owners must be listed people (checked once people are listed). */
const fileSchema = fileFields.superRefine((file, ctx) => {
  if (file.people.length === 0) return;
  const ids = new Set(file.people.map((p) => p.id));
  for (const ref of reviewPersonRefs(file.reviews)) {
    if (!ids.has(ref.person)) ctx.addIssue({ code: 'custom', path: ['reviews', ...ref.path], message: `no person with id "${ref.person}": add them to people, or remove the reference` });
  }
});

export type IdentityConfig = z.infer<typeof identitySchema>;
export type FileConfig = z.infer<typeof fileSchema>;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Parses warden.yaml (WARDEN_CONFIG, default ./warden.yaml); an absent default file is an empty config. Called by loadWardenConfig only. */
export function parseFileConfig(env: NodeJS.ProcessEnv, cwd: string): { config: FileConfig; path?: string; sha256?: string } {
  const path = resolve(cwd, env.WARDEN_CONFIG ?? 'warden.yaml');
  if (!existsSync(path)) {
    if (env.WARDEN_CONFIG) throw new ConfigError([`WARDEN_CONFIG: ${path} does not exist`]);
    return { config: fileSchema.parse({}) };
  }
  let doc: unknown;
  const text = readFileSync(path, 'utf8');
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError([`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  const parsed = fileSchema.safeParse(doc ?? {});
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(document)'}: ${i.message}`));
  const ids = new Set<string>();
  for (const identity of parsed.data.identities) {
    if (ids.has(identity.id)) throw new ConfigError([`${path}: identity "${identity.id}" appears twice`]);
    ids.add(identity.id);
  }
  return { config: parsed.data, path, sha256: createHash('sha256').update(text).digest('hex') };
}

/**
 * The embedded default's local admin: the token's hash is kept in the state dir for the server,
 * the token itself in `admin-token` (mode 0600) for the local CLI, and printed once.
 */
export function ensureLocalAdmin(stateDir: string): { identity: IdentityConfig; token?: string } {
  const hashFile = join(stateDir, 'admin-token.sha256');
  const tokenFile = join(stateDir, 'admin-token');
  let token: string | undefined;
  if (!existsSync(hashFile)) {
    mkdirSync(dirname(hashFile), { recursive: true, mode: 0o700 });
    token = `wdn_${randomBytes(24).toString('base64url')}`;
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    writeFileSync(hashFile, `${hashToken(token)}\n`, { mode: 0o600 });
  }
  const sha256 = readFileSync(hashFile, 'utf8').trim();
  return {
    identity: { id: LOCAL_ADMIN_ID, name: 'Local administrator', roles: ['admin'], groups: ['security-oncall', 'security-leads', 'mlops'], tokens: [{ sha256, label: 'embedded default' }] },
    ...(token ? { token } : {}),
  };
}
