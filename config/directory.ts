import { PERSON_ID } from '../contracts/directory.js';
import { z } from 'zod';
import type { Person } from '../contracts/directory.js';
import { ROLES } from './roles.js';

const PERSON_ID_HINT = '1-64 letters, digits and . _ - (starting with a letter or digit)';

const personSchema = z.strictObject({
  id: z.string().regex(PERSON_ID, PERSON_ID_HINT),
  name: z.string().trim().min(1),
  email: z.email(),
  /** The manager's person id; the manager gets the offboarding report. */
  manager: z.string().regex(PERSON_ID, PERSON_ID_HINT).optional(),
  slack_user_id: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id such as U012AB3CD')
    .optional(),
  github_login: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub login (letters, digits and hyphens, at most 39)')
    .optional(),
  aws: z
    .array(
      z.strictObject({
        account: z.string().regex(/^(\d{12}|[a-z0-9][a-z0-9-]{0,62})$/, 'a 12-digit account id or an account alias'),
        user_name: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'an IAM user name: 1-64 of A-Z a-z 0-9 + = , . @ _ -'),
      }),
    )
    .default([]),
  mlflow_user: z.string().trim().min(1).max(256).optional(),
  groups: z.array(z.string().min(1)).default([]),
  roles: z.array(z.string().min(1)).default([]),
});

type PersonConfig = z.infer<typeof personSchema>;

function toPerson(p: PersonConfig): Person {
  return {
    id: p.id,
    name: p.name,
    email: p.email,
    ...(p.manager ? { manager: p.manager } : {}),
    ...(p.slack_user_id ? { slackUserId: p.slack_user_id } : {}),
    ...(p.github_login ? { githubLogin: p.github_login } : {}),
    aws: p.aws.map((a) => ({ account: a.account, userName: a.user_name })),
    ...(p.mlflow_user ? { mlflowUser: p.mlflow_user } : {}),
    groups: p.groups,
    roles: p.roles,
  };
}

/**
 * The `people:` list of warden.yaml, parsed into the Directory's Person records. Ids must be
 * unique, a manager must be a listed person, and an IAM user may belong to one person only
 * (offboarding one must never touch another's account).
 */
export const directorySchema = z
  .array(personSchema)
  .superRefine((people, ctx) => {
    const ids = new Set(people.map((p) => p.id));
    const seen = new Set<string>();
    const iamOwners = new Map<string, string>();
    people.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `person "${p.id}" appears twice` });
      seen.add(p.id);
      if (p.manager && !ids.has(p.manager)) {
        ctx.addIssue({ code: 'custom', path: [i, 'manager'], message: `no person with id "${p.manager}": add them to people, or remove the field` });
      }
      p.aws.forEach((a, j) => {
        const key = `${a.account}/${a.user_name}`;
        const owner = iamOwners.get(key);
        if (owner && owner !== p.id) ctx.addIssue({ code: 'custom', path: [i, 'aws', j], message: `IAM user ${a.user_name} in ${a.account} is already listed for "${owner}"` });
        iamOwners.set(key, p.id);
      });
    });
  })
  .transform((people) => people.map(toPerson));

/** The `offboarding:` section of warden.yaml: who gets every report, and how long IAM users are kept. */
export const offboardingSettingsSchema = z.strictObject({
  notify: z
    .strictObject({
      /** Security's addresses; the person's manager is added to each offboarding. */
      email: z.array(z.email()).default([]),
      slack_channel: z.string().min(1).optional(),
    })
    .default({ email: [] }),
  /** Days between revocation and deletion of the IAM users (unless a legal hold is set). */
  retention_days: z.number().min(0).max(3650).default(30),
  /** The roles whose API token may start an offboarding (the requester is the token's person). */
  start_roles: z.array(z.enum(ROLES)).min(1).default(['hr', 'admin']),
  /** The roles whose requester may start a live offboarding without a second person's approval. */
  sole_approver_roles: z.array(z.enum(ROLES)).default([]),
});

export const DEFAULT_OFFBOARDING_SETTINGS: OffboardingSettings = { notify: { email: [] }, retention_days: 30, start_roles: ['hr', 'admin'], sole_approver_roles: [] };

export type OffboardingSettings = z.infer<typeof offboardingSettingsSchema>;

export { PERSON_ID };
