import { z } from 'zod';
import { REVIEW_SYSTEMS, type ReviewSettings } from '../contracts/review-types.js';
import { PERSON_ID } from './directory.js';

const PERSON_ID_HINT = 'a person id from people';
const personId = z.string().regex(PERSON_ID, PERSON_ID_HINT);
const system = z.enum(REVIEW_SYSTEMS).optional();
const glob = z.string().min(1, 'a glob (`*` matches anything)');

/** Five cron fields (minute hour day-of-month month day-of-week), as Temporal Schedules take them. */
const cron = z
  .string()
  .trim()
  .refine((s) => s.split(/\s+/).length === 5 && s.split(/\s+/).every((f) => /^[\d*,/\-A-Za-z?LW#]+$/.test(f)), 'a cron expression of five fields, e.g. "0 9 1 1,4,7,10 *"');

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as "UTC" or "Europe/Berlin"');

/** Quarterly: 09:00 on the first day of January, April, July and October. */
export const DEFAULT_REVIEW_CRON = '0 9 1 1,4,7,10 *';
export const DEFAULT_REVIEW_TIMEZONE = 'UTC';

/**
 * The `reviews:` section of warden.yaml, parsed into ReviewSettings. Every field has a default,
 * so an absent section is a quarterly campaign reviewed by managers that keeps what nobody
 * decided. Person ids are checked against `people:` by the file schema (config/file-config.ts).
 */
export const reviewSettingsSchema = z
  .strictObject({
    /** Where access-matrix.yaml and entitlement-map.yaml live (relative to the working directory). */
    policy_dir: z.string().min(1).default('policy'),
    reviewer: z.enum(['owner', 'manager']).default('manager'),
    owners: z.array(z.strictObject({ system, resource: glob, person: personId })).default([]),
    fallback_reviewers: z.array(personId).default([]),
    deadline_days: z.int().min(1).max(365).default(14),
    grace_days: z.int().min(0).max(90).default(2),
    reminder_days: z.array(z.int().min(1)).default([7, 3, 1]),
    on_silence: z.enum(['keep', 'revoke', 'revoke-flagged']).default('keep'),
    exceptions: z
      .array(
        z
          .strictObject({ system, subject: glob.optional(), resource: glob.optional(), reason: z.string().trim().min(1, 'say why it is an exception') })
          .refine((x) => x.system !== undefined || x.subject !== undefined || x.resource !== undefined, 'give at least one of system, subject, resource'),
      )
      .default([]),
    approval_group: z.string().min(1).optional(),
    compliance: z.strictObject({ email: z.array(z.email()).default([]), slack_channel: z.string().min(1).optional() }).default({ email: [] }),
    offboard_orphans: z.boolean().default(false),
    schedule: z
      .strictObject({ cron: cron.default(DEFAULT_REVIEW_CRON), timezone: timezone.default(DEFAULT_REVIEW_TIMEZONE) })
      .default({ cron: DEFAULT_REVIEW_CRON, timezone: DEFAULT_REVIEW_TIMEZONE }),
    aws_batch_users: z.int().min(1).max(1000).default(50),
  })
  .superRefine((r, ctx) => {
    r.reminder_days.forEach((d, i) => {
      if (d >= r.deadline_days)
        ctx.addIssue({ code: 'custom', path: ['reminder_days', i], message: `a reminder ${d} days before a ${r.deadline_days}-day deadline would precede the campaign; use fewer days` });
      if (r.reminder_days.indexOf(d) !== i) ctx.addIssue({ code: 'custom', path: ['reminder_days', i], message: `${d} appears twice` });
    });
  })
  .transform((r): ReviewSettings => ({
    policyDir: r.policy_dir,
    reviewer: r.reviewer,
    owners: r.owners.map((o) => ({ ...(o.system ? { system: o.system } : {}), resource: o.resource, person: o.person })),
    fallbackReviewers: r.fallback_reviewers,
    deadlineDays: r.deadline_days,
    graceDays: r.grace_days,
    // Latest reminder first: the order they go out.
    reminderDays: [...r.reminder_days].sort((a, b) => b - a),
    onSilence: r.on_silence,
    exceptions: r.exceptions.map((x) => ({
      ...(x.system ? { system: x.system } : {}),
      ...(x.subject ? { subject: x.subject } : {}),
      ...(x.resource ? { resource: x.resource } : {}),
      reason: x.reason,
    })),
    ...(r.approval_group ? { approvalGroup: r.approval_group } : {}),
    compliance: { email: r.compliance.email, ...(r.compliance.slack_channel ? { slackChannel: r.compliance.slack_channel } : {}) },
    offboardOrphans: r.offboard_orphans,
    schedule: r.schedule,
    awsBatchUsers: r.aws_batch_users,
  }));

/** The input shape of the section (snake_case, as written in warden.yaml). */
export type ReviewSettingsFile = z.input<typeof reviewSettingsSchema>;

/** `reviews:` absent: every default. */
export const DEFAULT_REVIEW_SETTINGS: ReviewSettings = reviewSettingsSchema.parse({});

/**
 * The person ids the section names (owners, fallback reviewers), each with its path inside the
 * section, for the file-level check that they are listed in `people:`.
 */
export function reviewPersonRefs(r: ReviewSettings): { path: (string | number)[]; person: string }[] {
  return [...r.owners.map((o, i) => ({ path: ['owners', i, 'person'], person: o.person })), ...r.fallbackReviewers.map((p, i) => ({ path: ['fallback_reviewers', i], person: p }))];
}
