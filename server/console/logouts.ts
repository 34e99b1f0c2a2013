import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { CONSOLE_LOGOUT_WORKFLOW_TYPE, consoleLogoutWorkflowId, sessionDigestOf } from '../../contracts/console-logout.js';
import { HttpError } from '../http-json.js';

/**
 * Which console sessions were closed before their expiry. A session is a sealed cookie that any
 * server opens (server/console/sessions.ts), so a logout has to reach every server, not only the
 * one that took it.
 */
export interface SessionLogouts {
  /** Records that the session is closed until `expiresAt`; resolves once it is durable (every server will see it). */
  record(sessionId: string, expiresAt: number): Promise<void>;
  /**
   * Whether the session was closed, as this server knows now. Throws a 503 when it cannot know:
   * the logouts have not been read from Temporal lately (a restart, a visibility outage), so a
   * session logged out elsewhere is never taken for an open one.
   */
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

/** A logout is kept this long past the session's expiry: a server whose clock is behind Temporal's still refuses the session. */
export const LOGOUT_MARGIN_MS = 10 * 60_000;

/**
 * Logouts recorded in Temporal: each is a `consoleLogoutWorkflow` on this deployment's task queue,
 * started before the logout answers, and running until the session would have expired (and a
 * margin for clock skew). The server that took the logout refuses the session at once; every
 * server re-reads the running logouts from visibility every `intervalMs` (default 5 s), one read at
 * a time, so another server refuses it within about that. A server that has not read them within
 * three intervals (just started, or visibility failing) answers 503 to session requests rather
 * than accept a session it cannot check.
 */
export function temporalLogouts(client: Client, taskQueue: string, intervalMs = 5_000, log: (msg: string) => void = () => undefined): SessionLogouts {
  let durable = new Set<string>();
  /** Logouts this server took, until visibility shows them (or the session would have expired). */
  const local = new Map<string, number>();
  /** When the last read of the logouts completed. */
  let readAt: number | undefined;
  let reading: Promise<void> | undefined;
  const read = async (): Promise<void> => {
    const next = new Set<string>();
    const query = `WorkflowType = '${CONSOLE_LOGOUT_WORKFLOW_TYPE}' AND TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`;
    for await (const wf of client.workflow.list({ query })) {
      const d = sessionDigestOf(taskQueue, wf.workflowId);
      if (d) next.add(d);
    }
    durable = next;
    readAt = Date.now();
    for (const [d, until] of local) if (next.has(d) || until <= Date.now()) local.delete(d);
  };
  /** One read at a time: an older read finishing after a newer one would bring back a state without the newer logouts. */
  const refresh = (): Promise<void> =>
    // A deadline: a read that hangs fails and the next tick tries again, rather than keep every session waiting on it.
    (reading ??= client.withDeadline(Date.now() + 2 * intervalMs, read).finally(() => {
      reading = undefined;
    }));
  const tick = () => refresh().catch((err: unknown) => log(`console logouts: could not read them from Temporal: ${(err as Error).message}`));
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async record(id, expiresAt) {
      const d = digest(id);
      const until = expiresAt + LOGOUT_MARGIN_MS;
      local.set(d, until); // refused here from now, whatever happens next
      try {
        await client.workflow.start(CONSOLE_LOGOUT_WORKFLOW_TYPE, { workflowId: consoleLogoutWorkflowId(taskQueue, d), taskQueue, args: [{ until }] });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },
    isClosed: (id) => {
      const d = digest(id);
      if (local.has(d)) return true;
      if (readAt === undefined || Date.now() - readAt > 3 * intervalMs) {
        const since = readAt === undefined ? 'since this server started' : `since ${new Date(readAt).toISOString()}`;
        throw new HttpError(503, `console sessions cannot be checked: this server has not read the logouts from Temporal ${since}; try again shortly, or use an API token`, undefined, {
          'retry-after': String(Math.ceil(intervalMs / 1000)),
        });
      }
      return durable.has(d);
    },
    refresh,
    stop: () => clearInterval(timer),
  };
}
