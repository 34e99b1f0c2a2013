import { ScheduleAlreadyRunning, ScheduleClient, ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleOptions, type WorkflowService } from '@temporalio/client';
import { REVIEW_SCHEDULE_ID, type ReviewCampaignInput } from '../contracts/reviews.js';
import { TASK_QUEUE } from '../contracts/task-queue.js';

/** Temporal appends the scheduled time: `review-quarterly-2026-01-01T09:00:00Z`. */
export const SCHEDULED_REVIEW_WORKFLOW_ID = 'review-quarterly';
/** A campaign missed while Temporal was down still starts if it comes back within a day. */
const CATCHUP_WINDOW = '1 day';

export interface ReviewScheduleOptions {
  /** Five cron fields; warden.yaml's reviews.schedule.cron, quarterly by default (config/reviews.ts). */
  readonly cron: string;
  /** An IANA time zone, e.g. `UTC` or `Europe/Berlin`. */
  readonly timezone: string;
  readonly taskQueue?: string;
  /** Default REVIEW_SCHEDULE_ID; tests give their own so they never collide. */
  readonly scheduleId?: string;
  /** Tests only: runs after the update has read the Schedule and before it is sent, where a concurrent change (an operator's pause) races it. */
  readonly beforeUpdate?: () => Promise<void>;
}

/** How long an update may wait for the Schedule to take it (or drop it for a concurrent change). */
const SETTLE_MS = 30_000;
const ATTEMPTS = 5;

/**
 * A ScheduleClient whose update carries the conflict token of the describe it was built from. The
 * SDK's `update(fn)` reads the Schedule, applies `fn` and sends the whole Schedule, state included,
 * with no token: a pause applied in between (it is a signal to the Schedule's workflow, taken in
 * its own time) was overwritten by the paused state read before it. With the token, Temporal drops
 * an update that a concurrent change overtook, and `ensureReviewSchedule` reads again and retries.
 */
class TokenCheckedScheduleClient extends ScheduleClient {
  token: Uint8Array | null | undefined;
  beforeUpdate: (() => Promise<void>) | undefined;

  override get workflowService(): WorkflowService {
    const service = super.workflowService;
    return new Proxy(service, {
      get: (target, prop, receiver) => {
        if (prop === 'describeSchedule')
          return async (req: Parameters<WorkflowService['describeSchedule']>[0]) => {
            const res = await target.describeSchedule(req);
            this.token = res.conflictToken;
            return res;
          };
        if (prop === 'updateSchedule')
          return async (req: Parameters<WorkflowService['updateSchedule']>[0]) => {
            await this.beforeUpdate?.();
            return target.updateSchedule({ ...req, conflictToken: this.token ?? null });
          };
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

const sameToken = (a: Uint8Array | null | undefined, b: Uint8Array | null | undefined) => Buffer.from(a ?? []).equals(Buffer.from(b ?? []));

/** Waits until the Schedule has processed the update sent on `read`: true when it took it, false when a concurrent change made it drop it. */
async function updateTaken(client: Client, scheduleId: string, read: ScheduleDescription): Promise<boolean> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const now = await client.schedule.getHandle(scheduleId).describe();
    if (!sameToken(now.raw.conflictToken, read.raw.conflictToken)) return now.info.lastUpdatedAt?.getTime() !== read.info.lastUpdatedAt?.getTime();
    if (Date.now() > deadline) throw new Error(`the Schedule ${scheduleId} has not taken its update within ${SETTLE_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Throws a RangeError naming the zone unless the runtime knows it (Temporal would refuse it later, less clearly). */
export function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new RangeError(`unknown time zone "${timezone}": use an IANA name such as UTC or Europe/Berlin`);
  }
}

function scheduleParts(opts: ReviewScheduleOptions): Pick<ScheduleOptions, 'spec' | 'action' | 'policies'> {
  const input: ReviewCampaignInput = { dryRun: false, requestedBy: 'schedule' };
  return {
    spec: { cronExpressions: [opts.cron], timezone: opts.timezone },
    action: { type: 'startWorkflow', workflowType: 'reviewCampaignWorkflow', taskQueue: opts.taskQueue ?? TASK_QUEUE, workflowId: SCHEDULED_REVIEW_WORKFLOW_ID, args: [input] },
    // A campaign runs for weeks: a late one must never start a second campaign beside it.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW },
  };
}

/**
 * Creates the access-review Schedule, or updates it in place when it exists, keeping whether an
 * operator paused it: the update is sent with the conflict token of what it read, so a pause that
 * lands in between makes Temporal drop it, and it is read and sent again (up to 5 times). Returns
 * once the Schedule has taken the update. Idempotent: running it twice with the same options
 * changes nothing but the Schedule's update time. Temporal validates the cron expression; a bad
 * one is refused with INVALID_ARGUMENT.
 */
export async function ensureReviewSchedule(client: Client, opts: ReviewScheduleOptions): Promise<'created' | 'updated'> {
  checkTimezone(opts.timezone);
  return ensureSchedule(client, opts.scheduleId ?? REVIEW_SCHEDULE_ID, scheduleParts(opts), opts.beforeUpdate);
}

/** ensureReviewSchedule's create-or-update for any Schedule (the inventory's too): keeps a pause, retries an overtaken update. */
export async function ensureSchedule(
  client: Client,
  scheduleId: string,
  parts: Pick<ScheduleOptions, 'spec' | 'action' | 'policies'>,
  beforeUpdate?: () => Promise<void>,
): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create({ scheduleId, ...parts });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const checked = new TokenCheckedScheduleClient({ connection: client.connection, namespace: client.options.namespace, dataConverter: client.options.dataConverter });
  checked.beforeUpdate = beforeUpdate;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    let read: ScheduleDescription | undefined;
    await checked.getHandle(scheduleId).update((previous) => {
      read = previous;
      return { ...parts, state: { paused: previous.state.paused, ...(previous.state.note ? { note: previous.state.note } : {}) } };
    });
    checked.beforeUpdate = undefined;
    if (await updateTaken(client, scheduleId, read!)) return 'updated';
  }
  throw new Error(`the Schedule ${scheduleId} kept changing while it was updated: ${ATTEMPTS} updates were overtaken by other changes`);
}

/** The Schedule as Temporal holds it (spec, action, policies, next action times). */
export function describeReviewSchedule(client: Client, scheduleId: string = REVIEW_SCHEDULE_ID): Promise<ScheduleDescription> {
  return client.schedule.getHandle(scheduleId).describe();
}
