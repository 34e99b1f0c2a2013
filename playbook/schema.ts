import { z } from 'zod';
import { DURATION_PATTERN } from '../engine/duration.js';
import { PHASES, SEVERITIES } from '../engine/playbook-types.js';
import { ROLLBACK_STEP_PREFIX } from '../contracts/incident.js';

/**
 * The playbook file format (playbooks/*.yaml). Structural rules live here; rules that need the
 * action catalog or the whole playbook (parameters, references, templates) live in validate.ts.
 */
const duration = z.string().regex(DURATION_PATTERN, 'a duration such as "30s", "15m", "4h" or "2d"');
const playbookId = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and hyphens, starting with a letter');
/** Step ids are referenced in templates as steps.<id>, so they are identifiers: no hyphens. */
const stepId = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower-case letters, digits and underscores, starting with a letter (templates refer to it as steps.<id>)')
  .refine((id) => !id.startsWith(ROLLBACK_STEP_PREFIX), `reserved: ids starting with "${ROLLBACK_STEP_PREFIX}" name the approval of a rollback`);
const group = z.string().min(1);

export const approvalSchema = z
  .strictObject({
    groups: z.array(group).min(1).describe('groups whose members may approve'),
    quorum: z.number().int().min(1).max(10).default(1).describe('distinct approvers needed'),
    timeout: duration.default('4h').describe('how long to wait for a decision'),
    reminders: z.array(duration).default([]).describe('offsets before the deadline at which to remind, e.g. ["1h", "15m"]'),
    escalation: z.array(group).default([]).describe('groups asked next, in order, when onTimeout is escalate'),
    onTimeout: z.enum(['reject', 'approve', 'escalate']).default('reject'),
    fourEyes: z.boolean().optional().describe('the requester may not approve; default: on for destructive steps'),
    allOf: z
      .array(group)
      .min(2, 'name at least two groups (one group is what `groups` says)')
      .max(5)
      .refine((gs) => new Set(gs).size === gs.length, 'each group once')
      .optional()
      .describe('groups that must each approve, through different people (AND across groups), e.g. [security-oncall, ml-platform]'),
  })
  .describe('human approval required before the step runs');

export const retrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(100).optional(),
  initialInterval: duration.optional(),
  maxInterval: duration.optional(),
  backoff: z.number().min(1).max(10).optional(),
});

const params = z.record(z.string(), z.unknown());

export const undoSchema = z.strictObject({
  action: z.string().min(1),
  with: params.default({}),
  approval: approvalSchema
    .optional()
    .describe("who approves this undo when a person cancels with rollback (four-eyes: never the person who cancelled); default: the step's approval, else the playbook's owners"),
});

export const stepSchema = z.strictObject({
  id: stepId,
  action: z.string().min(1).describe('an action from the catalog, e.g. notify.slack'),
  title: z.string().optional(),
  with: params.default({}).describe('parameters; strings may hold {{ templates }}'),
  when: z.string().min(1).optional().describe("condition, e.g. alert.severity == 'critical'"),
  approval: approvalSchema.optional(),
  retry: retrySchema.optional(),
  timeout: duration.optional(),
  onFailure: z.enum(['abort', 'continue', 'compensate']).default('abort'),
  undo: z
    .union([undoSchema, z.literal(false)])
    .optional()
    .describe('how to reverse the step; false disables the action default'),
});

export const parallelSchema = z.strictObject({
  id: stepId.optional(),
  parallel: z.array(stepSchema).min(2).describe('steps run concurrently'),
});

export const nodeSchema = z.union([stepSchema, parallelSchema]);

export const triggerSchema = z.strictObject({
  types: z.array(z.string().min(1)).min(1).describe('alert types, e.g. model.extraction'),
  minSeverity: z.enum(SEVERITIES).default('low'),
  labels: z.record(z.string(), z.string()).default({}).describe('labels the alert must carry, exactly'),
});

export const playbookSchema = z.strictObject({
  id: playbookId,
  version: z.number().int().min(1),
  title: z.string().min(1),
  description: z.string().min(1),
  triggers: z.array(triggerSchema),
  severity: z.enum(SEVERITIES),
  owners: z.array(group).min(1),
  notify: z.strictObject({ slack: z.string().min(1).optional(), email: z.array(z.email()).optional() }).default({}),
  autoResolve: z.boolean().optional().describe('resolve the incident without a person once every phase is complete; only for severity info'),
  phases: z.strictObject(Object.fromEntries(PHASES.map((p) => [p, z.array(nodeSchema).default([])])) as Record<(typeof PHASES)[number], z.ZodDefault<z.ZodArray<typeof nodeSchema>>>),
});

export type PlaybookFile = z.infer<typeof playbookSchema>;
export type StepFile = z.infer<typeof stepSchema>;
export type NodeFile = z.infer<typeof nodeSchema>;

/** The JSON Schema editors use to validate and complete playbook YAML (playbooks/playbook.schema.json). */
export function playbookJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(playbookSchema, { io: 'input', target: 'draft-2020-12' }),
    title: 'Warden playbook',
  };
}
