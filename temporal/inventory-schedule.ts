import { ScheduleOverlapPolicy, type Client, type ScheduleDescription } from '@temporalio/client';
import { INVENTORY_SCAN_WORKFLOW, INVENTORY_SCHEDULE_ID, type InventoryScanInput } from '../contracts/inventory.js';
import { TASK_QUEUE } from '../contracts/task-queue.js';
import { checkTimezone, ensureSchedule } from './review-schedule.js';

/** Temporal appends the scheduled time: `inventory-scan-daily-2026-12-08T03:00:00Z`. */
export const SCHEDULED_INVENTORY_WORKFLOW_ID = 'inventory-scan-daily';
/** Daily at 03:00 in the given zone. */
export const DEFAULT_INVENTORY_CRON = '0 3 * * *';

export interface InventoryScheduleOptions {
  readonly cron?: string;
  readonly timezone?: string;
  readonly taskQueue?: string;
  /** Default INVENTORY_SCHEDULE_ID; tests give their own. */
  readonly scheduleId?: string;
}

/**
 * Creates the daily inventory-scan Schedule, or updates it in place keeping an operator's pause
 * (as the access-review Schedule: ensureSchedule). A scan still running when the next is due makes
 * the next one skip; a scan missed while Temporal was down runs if it comes back within 6 hours.
 */
export async function ensureInventorySchedule(client: Client, opts: InventoryScheduleOptions = {}): Promise<'created' | 'updated'> {
  const timezone = opts.timezone ?? 'UTC';
  checkTimezone(timezone);
  const scheduleId = opts.scheduleId ?? INVENTORY_SCHEDULE_ID;
  const input: InventoryScanInput = { requestedBy: `schedule:${scheduleId}` };
  return ensureSchedule(client, scheduleId, {
    spec: { cronExpressions: [opts.cron ?? DEFAULT_INVENTORY_CRON], timezone },
    action: { type: 'startWorkflow', workflowType: INVENTORY_SCAN_WORKFLOW, taskQueue: opts.taskQueue ?? TASK_QUEUE, workflowId: SCHEDULED_INVENTORY_WORKFLOW_ID, args: [input] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '6 hours' },
  });
}

export function describeInventorySchedule(client: Client, scheduleId: string = INVENTORY_SCHEDULE_ID): Promise<ScheduleDescription> {
  return client.schedule.getHandle(scheduleId).describe();
}
