import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Client } from '@temporalio/client';
import { clientOf, type ApiAuth } from './auth/api-auth.js';
import { HttpError } from './http-json.js';
import { currentRequestId } from './http-log.js';
import type { Route } from './router.js';
import { AUDIT_WORKFLOW_TYPE, auditAppendSignal, auditWorkflowId, type AuditEntry } from '../contracts/audit.js';

/** What the server appends: the entry without its time (now) and, unless it has a natural one, its key (a fresh id). */
export type ServerAuditEntry = Omit<AuditEntry, 'time' | 'key'> & { readonly key?: string };

export interface ServerAudit {
  /** Appends in the background; a failure is logged (without the entry's details), never thrown at the request. */
  append(entry: ServerAuditEntry): void;
  /** Resolves when every append so far has been sent (tests, shutdown). */
  flush(): Promise<void>;
}

/**
 * The server's appends: signalWithStart to the audit workflow of its task queue, so the first
 * append starts it. The key makes a resent signal (the client retries) one record.
 */
export function createServerAudit(client: Client, taskQueue: string, log: (msg: string) => void): ServerAudit {
  const inFlight = new Set<Promise<void>>();
  const workflowId = auditWorkflowId(taskQueue);
  return {
    append(e) {
      // Appended while answering a request: the record names the request (its X-Request-Id, in its log line too).
      const requestId = currentRequestId();
      const details = requestId ? { ...e.details, requestId } : e.details;
      const entry: AuditEntry = { time: new Date().toISOString(), kind: e.kind, actor: e.actor, subject: e.subject, details, key: e.key ?? `server:${randomUUID()}` };
      const sent = client.workflow
        .signalWithStart(AUDIT_WORKFLOW_TYPE, { workflowId, taskQueue, args: [{}], signal: auditAppendSignal, signalArgs: [[entry]] })
        .then(
          () => undefined,
          (err: unknown) => log(`audit: could not append ${entry.kind} (${entry.key}): ${(err as Error).message}`),
        )
        .finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    },
    async flush() {
      await Promise.all([...inFlight]);
    },
  };
}

/** No audit trail (WARDEN_AUDIT=off). */
export const NO_SERVER_AUDIT: ServerAudit = { append: () => undefined, flush: () => Promise.resolve() };

/**
 * The same routes, each request that changes something recorded once it is answered: the
 * identity its token authenticated as (never the token), the route, its parameters and status.
 */
export function auditTokenUse(routes: readonly Route[], auth: ApiAuth, audit: ServerAudit): Route[] {
  return routes.map((route) => ({
    ...route,
    async handle(req, res, params) {
      let status: number | undefined;
      try {
        await route.handle(req, res, params);
        status = res.statusCode;
      } catch (err) {
        status = err instanceof HttpError ? err.status : 500;
        throw err;
      } finally {
        audit.append({ kind: 'token.use', actor: actorOf(auth, req), subject: `${route.method} ${route.path}`, details: { params, status, client: clientOf(req) } });
      }
    },
  }));
}

function actorOf(auth: ApiAuth, req: IncomingMessage): string {
  try {
    return auth.authenticate(req).id;
  } catch {
    return 'unauthenticated';
  }
}
