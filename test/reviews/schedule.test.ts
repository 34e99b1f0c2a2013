import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCODING } from '../../codec/aes-gcm-codec.js';
import { DEFAULT_REVIEW_CRON } from '../../config/reviews.js';
import { describeReviewSchedule, ensureReviewSchedule, SCHEDULED_REVIEW_WORKFLOW_ID } from '../../temporal/review-schedule.js';
import { TASK_QUEUE } from '../../contracts/task-queue.js';
import { suiteValue } from '../helpers/suite-env.js';
import { suiteClient } from '../harness.js';

let client: Client;
const scheduleId = `test-review-schedule-${randomUUID().slice(0, 8)}`;
const only = <T>(value: T) => [{ start: value, end: value, step: 1 }];

/** The first 09:00 UTC on the first of January, April, July or October after `now`. */
function nextQuarterStart(now: Date): Date {
  for (let year = now.getUTCFullYear(); ; year++) {
    for (const month of [0, 3, 6, 9]) {
      const at = new Date(Date.UTC(year, month, 1, 9));
      if (at > now) return at;
    }
  }
}

async function waitUntilPaused(id: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await describeReviewSchedule(client, id)).state.paused) {
    if (Date.now() > deadline) throw new Error(`schedule ${id} still unpaused 10 s after the pause`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  client = await suiteClient();
});
afterAll(async () => {
  await client?.schedule
    .getHandle(scheduleId)
    .delete()
    .catch(() => undefined);
  await client?.connection.close();
});

describe('warden review schedule: the quarterly Temporal Schedule', () => {
  it('is created with the quarterly spec, overlap SKIP and the campaign as its action, then updated in place', async () => {
    const defaults = { cron: DEFAULT_REVIEW_CRON, timezone: 'UTC', scheduleId };
    expect(await ensureReviewSchedule(client, defaults)).toBe('created');
    expect(await ensureReviewSchedule(client, defaults)).toBe('updated');

    const d = await describeReviewSchedule(client, scheduleId);
    expect(d.spec.timezone).toBe('UTC');
    expect(d.spec.calendars).toHaveLength(1);
    expect(d.spec.calendars?.[0]).toMatchObject({
      second: only(0),
      minute: only(0),
      hour: only(9),
      dayOfMonth: only(1),
      month: [...only('JANUARY'), ...only('APRIL'), ...only('JULY'), ...only('OCTOBER')],
    });
    expect(d.policies.overlap).toBe('SKIP');
    expect(d.policies.catchupWindow).toBe(86_400_000);
    expect(d.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'reviewCampaignWorkflow',
      taskQueue: TASK_QUEUE,
      workflowId: SCHEDULED_REVIEW_WORKFLOW_ID,
      args: [{ dryRun: false, requestedBy: 'schedule' }],
    });
    expect(d.info.nextActionTimes[0]?.toISOString()).toBe(nextQuarterStart(new Date()).toISOString());
    expect(
      d.info.nextActionTimes
        .slice(0, 4)
        .map((t) => `${t.getUTCMonth() + 1}/${t.getUTCDate()} ${t.getUTCHours()}:${t.getUTCMinutes()}`)
        .sort(),
    ).toEqual(['1/1 9:0', '10/1 9:0', '4/1 9:0', '7/1 9:0']);

    // The campaign's input is stored encrypted, like every other payload Warden writes.
    const described = await client.workflowService.describeSchedule({ namespace: suiteValue('namespace'), scheduleId });
    const stored = described.schedule?.action?.startWorkflow?.input?.payloads?.[0];
    expect(Buffer.from(stored?.metadata?.encoding ?? []).toString()).toBe(ENCODING);
  });

  it('takes another cron and time zone on update, and keeps a pause an operator set', async () => {
    await ensureReviewSchedule(client, { cron: DEFAULT_REVIEW_CRON, timezone: 'UTC', scheduleId });
    // The pause is a signal to the Schedule's own workflow, not yet taken when the update reads
    // the Schedule (or taken with it in one task): the update must not write "unpaused" back.
    await client.schedule.getHandle(scheduleId).pause('audit freeze');
    expect(await ensureReviewSchedule(client, { cron: '30 8 15 * *', timezone: 'Europe/Berlin', scheduleId })).toBe('updated');
    const d = await describeReviewSchedule(client, scheduleId);
    expect(d.spec.timezone).toBe('Europe/Berlin');
    expect(d.spec.calendars?.[0]).toMatchObject({ minute: only(30), hour: only(8), dayOfMonth: only(15) });
    expect(d.state).toMatchObject({ paused: true, note: 'audit freeze' });
    expect(d.policies.overlap).toBe('SKIP');
  });

  it('keeps a pause taken between the update reading the Schedule and sending it (the race, made certain)', async () => {
    const id = `${scheduleId}-race`;
    try {
      await ensureReviewSchedule(client, { cron: DEFAULT_REVIEW_CRON, timezone: 'UTC', scheduleId: id });
      let raced = 0;
      const beforeUpdate = async () => {
        raced++;
        await client.schedule.getHandle(id).pause('incident freeze');
        await waitUntilPaused(id);
      };
      expect(await ensureReviewSchedule(client, { cron: '0 7 * * 1', timezone: 'UTC', scheduleId: id, beforeUpdate })).toBe('updated');
      expect(raced).toBe(1);
      const d = await describeReviewSchedule(client, id);
      expect(d.state).toMatchObject({ paused: true, note: 'incident freeze' });
      expect(d.spec.calendars?.[0]).toMatchObject({ minute: only(0), hour: only(7), dayOfWeek: only('MONDAY') });
    } finally {
      await client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
    }
  });

  it('refuses an unknown time zone before reaching Temporal, and Temporal refuses a bad cron expression', async () => {
    await expect(ensureReviewSchedule(client, { cron: DEFAULT_REVIEW_CRON, timezone: 'Mars/Olympus', scheduleId })).rejects.toThrow(/unknown time zone "Mars\/Olympus"/);
    await expect(ensureReviewSchedule(client, { cron: 'every quarter', timezone: 'UTC', scheduleId: `${scheduleId}-bad` })).rejects.toThrow();
    await expect(describeReviewSchedule(client, `${scheduleId}-bad`)).rejects.toThrow();
  });
});
