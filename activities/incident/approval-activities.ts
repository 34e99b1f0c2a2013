import type { WardenDeps } from '../deps.js';
import { escapeMrkdwn, renderApprovalMessage, type ApprovalView } from './render/approval-blocks.js';

export interface ShowApprovalInput {
  readonly view: ApprovalView;
  readonly stepId: string;
  /** The channel for a new message (the playbook's); ignored once the message exists. */
  readonly channel?: string;
  /** A line for the message's thread: a reminder, an escalation, the decision, the step's result. Escaped: it may carry a reason or an error. */
  readonly note?: { readonly key: string; readonly text: string };
}

export interface ShownApproval {
  readonly channel: string;
  readonly ts: string;
}

/** The activities that keep an approval's Slack message in step with the workflow. */
export function createApprovalChatActivities({ providers }: Pick<WardenDeps, 'providers'>) {
  return {
    /**
     * Posts the approval message (once: keyed by incident and step), or re-renders it in place
     * from the state given, and adds `note` to its thread (once per note key). Returns where the
     * message is, or nothing when Slack is not configured or no channel is known. Safe to retry.
     */
    async showApproval(input: ShowApprovalInput): Promise<ShownApproval | undefined> {
      const chat = providers.chat;
      const record = input.view.steps[input.stepId]?.approval;
      if (!chat || !record) return undefined;
      const { text, blocks } = renderApprovalMessage(input.view, input.stepId);
      const incidentId = input.view.incidentId;
      let shown: ShownApproval | undefined = record.slack;
      if (shown) await chat.update({ channel: shown.channel, ts: shown.ts, text, blocks });
      else if (input.channel) {
        const posted = await chat.post({ channel: input.channel, text, blocks, idempotencyKey: `${incidentId}:approval:${input.stepId}` });
        shown = { channel: posted.channel, ts: posted.ts };
        // A rerun finds the earlier post, possibly with older content: bring it up to date.
        if (posted.already) await chat.update({ channel: shown.channel, ts: shown.ts, text, blocks });
      }
      if (shown && input.note) {
        await chat.post({ channel: shown.channel, threadTs: shown.ts, text: escapeMrkdwn(input.note.text), idempotencyKey: `${incidentId}:approval:${input.stepId}:${input.note.key}` });
      }
      return shown;
    },
  };
}

export type ApprovalChatActivities = ReturnType<typeof createApprovalChatActivities>;
