import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';
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
 * Creates the access-review Schedule, or updates it in place when it exists (keeping whether an
 * operator paused it, once Temporal has applied the pause: a pause still in flight when this reads
 * the Schedule is overwritten). Idempotent: running it twice with the same options changes nothing but the
 * Schedule's update time. Temporal validates the cron expression; a bad one is refused with
 * INVALID_ARGUMENT.
 */
export async function ensureReviewSchedule(client: Client, opts: ReviewScheduleOptions): Promise<'created' | 'updated'> {
  checkTimezone(opts.timezone);
  const scheduleId = opts.scheduleId ?? REVIEW_SCHEDULE_ID;
  const parts = scheduleParts(opts);
  try {
    await client.schedule.create({ scheduleId, ...parts });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({
    ...parts,
    state: { paused: previous.state.paused, ...(previous.state.note ? { note: previous.state.note } : {}) },
  }));
  return 'updated';
}

/** The Schedule as Temporal holds it (spec, action, policies, next action times). */
export function describeReviewSchedule(client: Client, scheduleId: string = REVIEW_SCHEDULE_ID): Promise<ScheduleDescription> {
  return client.schedule.getHandle(scheduleId).describe();
}
