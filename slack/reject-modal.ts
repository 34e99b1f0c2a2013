import type { ModalView } from '@slack/web-api';
import { escapeMrkdwn, REJECT_MODAL } from '../activities/incident/render/approval-blocks.js';
import type { RejectModalMetadata } from './button-value.js';

/** The block and action ids of the reason input, where view_submission carries its value. */
export const REASON_BLOCK = 'warden_reject_reason_block';
export const REASON_INPUT = 'warden_reject_reason_input';
const REASON_MAX = 2000;

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });

/**
 * The modal that asks why a step is rejected (or, with `decision: 'approve'`, why a destructive
 * step is approved); its metadata says which step, and where the message is.
 */
export function rejectModal(meta: RejectModalMetadata): ModalView {
  const approving = meta.decision === 'approve';
  const where = `step \`${escapeMrkdwn(meta.stepId)}\` of incident \`${escapeMrkdwn(meta.incidentId)}\``;
  return {
    type: 'modal',
    callback_id: REJECT_MODAL,
    private_metadata: JSON.stringify(meta),
    title: plain(approving ? 'Approve destructive step' : 'Reject approval'),
    submit: plain(approving ? 'Approve' : 'Reject'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: approving ? `Approve destructive ${where}? Say why; the reason is recorded in the incident.` : `Reject ${where}? The step will not run. The reason is recorded in the incident.`,
        },
      },
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: plain('Reason'),
        element: { type: 'plain_text_input', action_id: REASON_INPUT, multiline: true, min_length: 1, max_length: REASON_MAX },
      },
    ],
  };
}

/** The reason typed into the modal, trimmed, or undefined when absent. */
export function reasonFrom(values: Record<string, Record<string, { value?: string | null }>>): string | undefined {
  const reason = values[REASON_BLOCK]?.[REASON_INPUT]?.value?.trim();
  return reason ? reason.slice(0, REASON_MAX) : undefined;
}
