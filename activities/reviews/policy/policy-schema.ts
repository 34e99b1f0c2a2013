import { z } from 'zod';
import { ACCESS_LEVELS, ASSET_IDS, REVIEW_SYSTEMS, type AssetId, type EntitlementKind, type ReviewSystem } from '../../../contracts/review-types.js';

/** Every EntitlementKind, by the system that produces it (the compile-time check below keeps it complete). */
export const KINDS_BY_SYSTEM = {
  aws: ['iam-group', 'iam-managed-policy', 'iam-inline-policy', 'iam-access-key', 'iam-login-profile', 'inventory-access'],
  github: ['github-org-membership', 'github-team', 'github-repo', 'github-outside-collaborator', 'github-pat-grant'],
  synthetic: ['synthetic-grant'],
} as const satisfies Record<ReviewSystem, readonly EntitlementKind[]>;

export const ENTITLEMENT_KINDS: readonly EntitlementKind[] = Object.values(KINDS_BY_SYSTEM).flat();
type Unlisted = Exclude<EntitlementKind, (typeof KINDS_BY_SYSTEM)[ReviewSystem][number]>;
const everyKindListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKindListed;

/** A role id: also what `people[].roles` names in warden.yaml. */
export const ROLE_ID = /^[a-z][a-z0-9-]{0,62}$/;

const LEVELS_HINT = ACCESS_LEVELS.join(', ');
/** A value as a message quotes it: strings in quotes, anything else as JSON. */
const shown = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? 'nothing'));
const ASSETS_HINT = ASSET_IDS.join(', ');

const level = (missing: string) =>
  z.enum(ACCESS_LEVELS, {
    error: (iss) => (iss.input === undefined ? missing : `${shown(iss.input)} is not an access level; use one of ${LEVELS_HINT}`),
  });

/** Marks unknown keys of an asset-keyed mapping, so schemaProblems names them as assets. */
const UNKNOWN_ASSET = 'unknown asset';
const unknownAsset = { error: (iss: { code?: string }) => (iss.code === 'unrecognized_keys' ? UNKNOWN_ASSET : undefined) };

/** A role's level on every asset: each one must be given. */
const roleAccess = z.strictObject(Object.fromEntries(ASSET_IDS.map((a) => [a, level(`no level for ${a}: give one of ${LEVELS_HINT}`)])) as Record<AssetId, ReturnType<typeof level>>, unknownAsset);

/** What a rule grants: some assets, each with a level. */
const ruleGrants = z
  .strictObject(Object.fromEntries(ASSET_IDS.map((a) => [a, level('').optional()])) as Record<AssetId, z.ZodOptional<ReturnType<typeof level>>>, unknownAsset)
  .refine((g) => Object.keys(g).length > 0, `name at least one asset: ${ASSETS_HINT}`);

const displayName = z.string().trim().min(1, 'give a display name');
const days = z.int().min(1).max(3650);

/** policy/access-matrix.yaml: the seed's roles × assets, the levels, and the review thresholds. */
export const accessMatrixSchema = z.strictObject({
  levels: z.array(level('')).superRefine((levels, ctx) => {
    levels.forEach((l, i) => {
      if (levels.indexOf(l) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `level "${l}" appears twice` });
    });
    const missing = ACCESS_LEVELS.filter((l) => !levels.includes(l));
    if (missing.length > 0) ctx.addIssue({ code: 'custom', message: `missing level(s) ${missing.join(', ')}: Warden's levels are ${LEVELS_HINT}` });
  }),
  assets: z
    .array(
      z.strictObject({
        id: z.enum(ASSET_IDS, { error: (iss) => `${shown(iss.input)} is not an asset id; use one of ${ASSETS_HINT}` }),
        name: displayName,
      }),
    )
    .superRefine((assets, ctx) => {
      const ids = assets.map((a) => a.id);
      ids.forEach((id, i) => {
        if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `asset "${id}" appears twice` });
      });
      const missing = ASSET_IDS.filter((a) => !ids.includes(a));
      if (missing.length > 0) ctx.addIssue({ code: 'custom', message: `missing asset(s) ${missing.join(', ')}: list every one of ${ASSETS_HINT}` });
    }),
  roles: z
    .array(
      z.strictObject({
        id: z.string().regex(ROLE_ID, 'lower-case letters, digits and hyphens, starting with a letter'),
        name: displayName,
        access: roleAccess,
      }),
    )
    .min(1, 'list at least one role')
    .superRefine((roles, ctx) => {
      roles.forEach((r, i) => {
        if (roles.findIndex((o) => o.id === r.id) !== i) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `role "${r.id}" appears twice` });
        else if (roles.findIndex((o) => o.name.toLowerCase() === r.name.toLowerCase()) !== i) {
          ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `role name "${r.name}" is also used by another role` });
        }
      });
    }),
  thresholds: z.strictObject({
    /** An entitlement not used for more than this many days is flagged `unused`. */
    unused_days: days,
    /** An active access key older than this many days is flagged `stale_key`. */
    key_age_days: days,
  }),
});

/** One rule of policy/entitlement-map.yaml: which entitlements it matches and what they grant. */
const ruleSchema = z
  .strictObject({
    system: z.enum(REVIEW_SYSTEMS, { error: (iss) => `${shown(iss.input)} is not a system; use one of ${REVIEW_SYSTEMS.join(', ')}` }),
    kind: z.enum(ENTITLEMENT_KINDS as [EntitlementKind, ...EntitlementKind[]], {
      error: (iss) => `${shown(iss.input)} is not an entitlement kind; use one of ${ENTITLEMENT_KINDS.join(', ')}`,
    }),
    /** A glob over the resource (`*` matches anything); a managed policy matches by ARN or name. */
    resource: z.string().min(1, 'give a resource glob, e.g. "*"'),
    /** When given, the entitlement's permission must be one of these (case-insensitive). */
    permission: z.array(z.string().min(1)).min(1, 'list at least one permission, or leave the field out').optional(),
    grants: ruleGrants,
  })
  .superRefine((rule, ctx) => {
    const kinds: readonly EntitlementKind[] = KINDS_BY_SYSTEM[rule.system];
    if (!kinds.includes(rule.kind)) ctx.addIssue({ code: 'custom', path: ['kind'], message: `"${rule.kind}" is not an entitlement kind of ${rule.system}; use one of ${kinds.join(', ')}` });
  });

/** policy/entitlement-map.yaml: the mapping from concrete entitlements to asset levels. */
export const entitlementMapSchema = z.strictObject({
  rules: z.array(ruleSchema).min(1, 'list at least one rule: without rules no entitlement grants anything'),
});

export type AccessMatrixFile = z.infer<typeof accessMatrixSchema>;
export type EntitlementMapFile = z.infer<typeof entitlementMapSchema>;

/** A schema issue as problems located by document path: an unknown key is located at the key itself. */
export function schemaProblems(issue: z.core.$ZodIssue): { path: (string | number)[]; message: string }[] {
  const path = issue.path as (string | number)[];
  if (issue.code === 'unrecognized_keys') {
    const asset = issue.message === UNKNOWN_ASSET;
    return issue.keys.map((key) => ({ path: [...path, key], message: asset ? `unknown asset "${key}"; the assets are ${ASSETS_HINT}` : `unknown field "${key}"` }));
  }
  return [{ path, message: issue.message.replace(/^Invalid input: /, '') }];
}
