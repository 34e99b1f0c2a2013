/**
 * A console logout, recorded in Temporal so that every server refuses the session, not only the
 * one that took the logout (server/console/logouts.ts). One workflow per closed session, running
 * until the session would have expired anyway: its id names the session by a digest, and the
 * servers list the running ones of their task queue.
 */
export const CONSOLE_LOGOUT_WORKFLOW_TYPE = 'consoleLogoutWorkflow';

export interface ConsoleLogoutInput {
  /** When the closed session would have expired (epoch ms): the record is needed until then, not after. */
  readonly until: number;
}

const PREFIX = 'warden-console-logout-';

/** The workflow id of a closed session of a deployment: its task queue, and a digest (never the session id itself). */
export function consoleLogoutWorkflowId(taskQueue: string, sessionDigest: string): string {
  return `${PREFIX}${taskQueue}-${sessionDigest}`;
}

/** The session digest a logout workflow id names, when it is one of this task queue's. */
export function sessionDigestOf(taskQueue: string, workflowId: string): string | undefined {
  const head = `${PREFIX}${taskQueue}-`;
  const rest = workflowId.startsWith(head) ? workflowId.slice(head.length) : '';
  return /^[0-9a-f]{64}$/.test(rest) ? rest : undefined;
}
