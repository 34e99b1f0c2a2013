import { z } from 'zod';
import type { ApprovalButtonValue } from '../activities/incident/render/approval-blocks.js';

/** Incident ids as the API accepts them, and step ids as playbooks define them. */
export const INCIDENT_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** A playbook step id (up to 63 characters), a further target's instance of it (`@<n>` after it), or the approval of its rollback (`undo_` before it). */
export const STEP_ID = /^[a-z][a-z0-9_]{0,67}(?:@[0-9]{1,3})?$/;

const buttonValue = z.strictObject({
  incidentId: z.string().regex(INCIDENT_ID),
  stepId: z.string().regex(STEP_ID),
  planDigest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .optional(),
  destructive: z.literal(true).optional(),
});

/** Where an approval message is: the reject modal carries it so the message can be re-rendered. */
export interface MessageRef {
  readonly channel: string;
  readonly ts: string;
}

/** What the reject modal carries in private_metadata: the button's value and the message it was on. */
export interface RejectModalMetadata extends ApprovalButtonValue {
  readonly message?: MessageRef;
  /** Set when the modal asks why a destructive step is approved; absent, it rejects. */
  readonly decision?: 'approve';
}

const modalMetadata = buttonValue.extend({
  decision: z.literal('approve').optional(),
  message: z.strictObject({ channel: z.string().regex(/^[A-Z0-9]{2,32}$/), ts: z.string().regex(/^\d{1,12}\.\d{1,8}$/) }).optional(),
});

function parseJson<T>(schema: z.ZodType<T>, raw: string | undefined): T | undefined {
  if (!raw || raw.length > 3000) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The incident and step an approval button decides, or undefined for a malformed value. */
export function parseButtonValue(raw: string | undefined): ApprovalButtonValue | undefined {
  return parseJson(buttonValue, raw);
}

/** The reject modal's private_metadata, or undefined when it is not ours or malformed. */
export function parseModalMetadata(raw: string | undefined): RejectModalMetadata | undefined {
  return parseJson(modalMetadata, raw);
}
