import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { CONSOLE_LOGOUT_WORKFLOW_TYPE, consoleLogoutWorkflowId, sessionDigestOf } from '../../contracts/console-logout.js';

/**
 * Which console sessions were closed before their expiry. A session is a sealed cookie that any
 * server opens (server/console/sessions.ts), so a logout has to reach every server, not only the
 * one that took it.
 */
export interface SessionLogouts {
  /** Records that the session is closed until `expiresAt`; resolves once it is durable (every server will see it). */
  record(sessionId: string, expiresAt: number): Promise<void>;
  /** Whether the session was closed, as this server knows now. */
  isClosed(sessionId: string): boolean;
  /** Reads the durable record again now. */
  refresh(): Promise<void>;
  stop(): void;
}

const digest = (sessionId: string): string => createHash('sha256').update(`warden-console-session\n${sessionId}`).digest('hex');

/** Logouts known to this process only: for one server, and for tests of the session rules. */
export function memoryLogouts(now: () => number = Date.now): SessionLogouts {
  const closed = new Map<string, number>();
  return {
    async record(id, expiresAt) {
      closed.set(digest(id), expiresAt);
    },
    isClosed(id) {
      const until = closed.get(digest(id));
      return until !== undefined && until > now();
    },
    async refresh() {
      const t = now();
      for (const [k, until] of closed) if (until <= t) closed.delete(k);
    },
    stop: () => undefined,
  };
}

/**
 * Logouts recorded in Temporal: each is a `consoleLogoutWorkflow` on this deployment's task queue,
 * started before the logout answers, and running until the session would have expired. The server
 * that took the logout refuses the session at once; every server re-reads the running logouts from
 * visibility every `intervalMs` (default 5 s), so another server refuses it within about that.
 */
export function temporalLogouts(client: Client, taskQueue: string, intervalMs = 5_000, log: (msg: string) => void = () => undefined): SessionLogouts {
  let durable = new Set<string>();
  /** Logouts this server took, until visibility shows them (or the session would have expired). */
  const local = new Map<string, number>();
  const refresh = async (): Promise<void> => {
    const next = new Set<string>();
    const query = `WorkflowType = '${CONSOLE_LOGOUT_WORKFLOW_TYPE}' AND TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`;
    for await (const wf of client.workflow.list({ query })) {
      const d = sessionDigestOf(taskQueue, wf.workflowId);
      if (d) next.add(d);
    }
    durable = next;
    for (const [d, until] of local) if (next.has(d) || until <= Date.now()) local.delete(d);
  };
  const tick = () => refresh().catch((err: unknown) => log(`console logouts: could not read them from Temporal: ${(err as Error).message}`));
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async record(id, expiresAt) {
      const d = digest(id);
      local.set(d, expiresAt); // refused here from now, whatever happens next
      try {
        await client.workflow.start(CONSOLE_LOGOUT_WORKFLOW_TYPE, { workflowId: consoleLogoutWorkflowId(taskQueue, d), taskQueue, args: [{ until: expiresAt }] });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },
    isClosed: (id) => {
      const d = digest(id);
      return local.has(d) || durable.has(d);
    },
    refresh,
    stop: () => clearInterval(timer),
  };
}
