import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { INVENTORY_SCAN_WORKFLOW, INVENTORY_SCHEDULE_ID, RISK_LEVELS, type InventoryScanInput, type InventoryScanResult } from '../../contracts/inventory.js';
import { TASK_QUEUE } from '../../contracts/task-queue.js';
import { connectClient } from '../../temporal/connection.js';
import { DEFAULT_INVENTORY_CRON, describeInventorySchedule, ensureInventorySchedule } from '../../temporal/inventory-schedule.js';
import { CliError } from '../api-client.js';
import { commandContext } from '../context.js';
import { shortTime, table } from './format.js';
import { UsageError } from '../usage.js';

/** The scan's result for a person: each source's outcome, the counts by risk, where the snapshot is. */
export function renderScan(r: InventoryScanResult): string {
  const sources = table(
    ['SOURCE', 'STATUS', 'ASSETS', 'DETAIL'],
    r.sources.map((s) => [s.source, s.status, String(s.assets), s.detail ?? '']),
  ).trimEnd();
  const links = r.links ? `links: ${r.links.alerts.length} alert(s) sent, ${r.links.flagged.length} principal(s) flagged` : `links: not made${r.linksError ? ` (${r.linksError})` : ''}`;
  return [
    `inventory scan at ${shortTime(r.scannedAt)}: ${r.assets} asset(s); ${RISK_LEVELS.map((k) => `${k} ${r.byRisk[k]}`).join(', ')}`,
    `snapshot ${r.snapshotKey}${r.previousKey ? ` (previous ${r.previousKey})` : ''}`,
    links,
    '',
    sources,
  ].join('\n');
}

/** `warden inventory scan`: starts a scan on Temporal and waits for its result. Exit 1 when a source failed. */
export async function inventoryScanCommand(opts: { json?: boolean; requestedBy?: string }): Promise<number> {
  const ctx = commandContext();
  const client = await connectClient(ctx.target, ctx.dataConverter);
  try {
    const workflowId = `inventory-scan-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 4)}`;
    let result: InventoryScanResult;
    try {
      result = await client.workflow.execute<(input: InventoryScanInput) => Promise<InventoryScanResult>>(INVENTORY_SCAN_WORKFLOW, {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [{ requestedBy: opts.requestedBy ?? `cli:${process.env.USER ?? 'unknown'}` }],
      });
    } catch (err) {
      if (err instanceof WorkflowFailedError) throw new CliError(`inventory scan ${workflowId} failed: ${err.cause?.message ?? err.message}`);
      throw err;
    }
    process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderScan(result)}\n`);
    return result.sources.some((s) => s.status === 'failed') ? 1 : 0;
  } finally {
    await client.connection.close();
  }
}

/** `warden inventory schedule`: creates or updates the daily scan Schedule on Temporal, then shows its next runs. */
export async function inventoryScheduleCommand(opts: { cron?: string; timezone?: string; json?: boolean }): Promise<number> {
  const ctx = commandContext();
  const client = await connectClient(ctx.target, ctx.dataConverter);
  try {
    let result: 'created' | 'updated';
    try {
      result = await ensureInventorySchedule(client, { ...(opts.cron ? { cron: opts.cron } : {}), ...(opts.timezone ? { timezone: opts.timezone } : {}) });
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      if (err instanceof TypeError) throw new CliError(`Temporal refused the schedule: ${err.message}`);
      throw err;
    }
    const described = await describeInventorySchedule(client);
    const next = described.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString());
    const spec = `cron "${opts.cron ?? DEFAULT_INVENTORY_CRON}" in ${opts.timezone ?? 'UTC'}`;
    process.stdout.write(
      opts.json
        ? `${JSON.stringify({ result, scheduleId: INVENTORY_SCHEDULE_ID, nextActionTimes: next }, null, 2)}\n`
        : `${result} schedule ${INVENTORY_SCHEDULE_ID}: ${spec}, overlapping runs skipped\nnext runs:\n${next.map((t) => `  ${shortTime(t)}\n`).join('')}`,
    );
    return 0;
  } finally {
    await client.connection.close();
  }
}
