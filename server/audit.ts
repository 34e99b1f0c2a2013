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
  /** Appends in the background, retried until Temporal takes it; a failure is logged (without the entry's details), never thrown at the request. */
  append(entry: ServerAuditEntry): void;
  /** Resolves when every append so far has been taken by Temporal (tests, shutdown). */
  flush(): Promise<void>;
}

export interface ServerAuditOptions {
  /** Records per signal at most. */
  readonly maxBatch?: number;
  /** Waits between attempts of a batch that failed; the last repeats. */
  readonly backoffMs?: readonly number[];
  /** Records held while Temporal does not take them; beyond this the oldest are dropped, loudly. */
  readonly maxQueued?: number;
  /** Attempts of one batch before it is dropped, loudly (default: until Temporal takes it). */
  readonly maxAttempts?: number;
}

/**
 * The server's appends: signalWithStart to the audit workflow of its task queue, so the first
 * append starts it. Records queue in order and leave in batches (one signal carries many, so an
 * alert storm is not one signal per record); a batch that fails is sent again after a backoff
 * until Temporal takes it, never dropped on the first error (a storm once lost 459 of 1,000
 * `alert.accepted` records that way). The key makes a resent record one record.
 */
export function createServerAudit(client: Client, taskQueue: string, log: (msg: string) => void, opts: ServerAuditOptions = {}): ServerAudit {
  const { maxBatch = 200, backoffMs = [100, 250, 500, 1000, 2000, 5000], maxQueued = 100_000, maxAttempts = Infinity } = opts;
  const workflowId = auditWorkflowId(taskQueue);
  let queue: AuditEntry[] = [];
  let draining: Promise<void> | undefined;

  /** One drain at a time; an append that lands as one ends starts the next. */
  const kick = (): void => {
    if (draining) return;
    draining = drain().finally(() => {
      draining = undefined;
      if (queue.length > 0) kick();
    });
  };

  async function drain(): Promise<void> {
    let failures = 0;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      try {
        await client.workflow.signalWithStart(AUDIT_WORKFLOW_TYPE, { workflowId, taskQueue, args: [{}], signal: auditAppendSignal, signalArgs: [batch] });
        queue = queue.slice(batch.length);
        failures = 0;
      } catch (err) {
        const wait = backoffMs[Math.min(failures, backoffMs.length - 1)] ?? 1000;
        failures += 1;
        const what = `${batch.length} record(s) (${batch[0]!.kind} ${batch[0]!.key}…)`;
        if (failures >= maxAttempts) {
          log(`audit: DROPPED ${what} after ${failures} attempt(s): ${(err as Error).message}`);
          queue = queue.slice(batch.length);
          failures = 0;
          continue;
        }
        log(`audit: could not append ${what}, attempt ${failures}, again in ${wait} ms: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  return {
    append(e) {
      // Appended while answering a request: the record names the request (its X-Request-Id, in its log line too).
      const requestId = currentRequestId();
      const details = requestId ? { ...e.details, requestId } : e.details;
      queue.push({ time: new Date().toISOString(), kind: e.kind, actor: e.actor, subject: e.subject, details, key: e.key ?? `server:${randomUUID()}` });
      if (queue.length > maxQueued) {
        const dropped = queue.splice(0, queue.length - maxQueued);
        log(`audit: DROPPED ${dropped.length} record(s) (${dropped[0]!.kind} ${dropped[0]!.key}…): more than ${maxQueued} waiting for Temporal`);
      }
      kick();
    },
    async flush() {
      while (draining) await draining;
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
    async handle(req, res, params, send) {
      let status: number | undefined;
      try {
        await route.handle(req, res, params, send);
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
