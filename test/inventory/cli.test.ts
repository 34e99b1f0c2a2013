/**
 * `warden inventory scan` and `warden inventory schedule`, in this process on the suite's dev
 * server. The scan's worker polls Warden's task queue with no reader configured (every source
 * 'not configured') and a stand-in for `linkInventory`, which the inventory surfaces register.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';
import { inventoryScanCommand, inventoryScheduleCommand } from '../../cli/commands/inventory-scan.js';
import { UsageError } from '../../cli/commands/index.js';
import { INVENTORY_SCAN_WORKFLOW, INVENTORY_SCHEDULE_ID, type InventoryLinksInput, type InventoryScanResult } from '../../contracts/inventory.js';
import { TASK_QUEUE } from '../../contracts/task-queue.js';
import { describeInventorySchedule } from '../../temporal/inventory-schedule.js';
import { suiteValue } from '../helpers/suite-env.js';
import { startWorker, suiteClient } from '../harness.js';

let dir: string;
let client: Client;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-inventory-cli-'));
  client = await suiteClient();
});
afterAll(async () => {
  // Only this file creates the Schedule under its real id on the suite's server.
  await client?.schedule
    .getHandle(INVENTORY_SCHEDULE_ID)
    .delete()
    .catch(() => undefined);
  await client?.connection.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  writeFileSync(join(dir, 'warden.yaml'), '{}\n');
  const env = {
    WARDEN_CONFIG: join(dir, 'warden.yaml'),
    WARDEN_STATE_DIR: join(dir, 'state'),
    TEMPORAL_ADDRESS: suiteValue('address'),
    TEMPORAL_NAMESPACE: suiteValue('namespace'),
    WARDEN_ENCRYPTION_KEYS: suiteValue('keys'),
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return () => vi.unstubAllEnvs();
});

async function captured(fn: () => Promise<number>): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  try {
    return { code: await fn(), stdout: out.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('warden inventory schedule', () => {
  it('creates the daily Schedule of inventory scans, then updates it; a bad time zone is a usage error', async () => {
    const first = await captured(() => inventoryScheduleCommand({ json: true }));
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ result: 'created', scheduleId: INVENTORY_SCHEDULE_ID });
    const described = await describeInventorySchedule(client);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: INVENTORY_SCAN_WORKFLOW, taskQueue: TASK_QUEUE });
    const next = described.info.nextActionTimes.slice(0, 2);
    expect(next.map((t) => t.getUTCHours())).toEqual([3, 3]);
    expect(next[1]!.getTime() - next[0]!.getTime()).toBe(86_400_000);
    const again = await captured(() => inventoryScheduleCommand({ cron: '30 4 * * *', timezone: 'UTC' }));
    expect(again.stdout).toMatch(/^updated schedule warden-inventory-scan: cron "30 4 \* \* \*" in UTC/);
    expect((await describeInventorySchedule(client)).info.nextActionTimes[0]!.getUTCHours()).toBe(4);
    await expect(inventoryScheduleCommand({ timezone: 'Mars/Olympus' })).rejects.toThrow(UsageError);
  });
});

describe('warden inventory scan', () => {
  it('starts a scan, waits for it and prints each source with the counts; --json prints the result', async () => {
    const linked: InventoryLinksInput[] = [];
    const worker = await startWorker(
      { providers: { evidence: createLocalEvidenceStore(join(dir, 'evidence')) }, inventory: { readers: {}, rulesFile: 'policy/inventory-rules.yaml', matrixFile: 'policy/access-matrix.yaml' } },
      { taskQueue: TASK_QUEUE, activities: () => ({ linkInventory: async (input: InventoryLinksInput) => (linked.push(input), { alerts: [], flagged: [] }) }) },
    );
    await worker.run(async () => {
      const json = await captured(() => inventoryScanCommand({ json: true }));
      expect(json.code).toBe(0);
      const result = JSON.parse(json.stdout) as InventoryScanResult;
      expect(result.sources.map((s) => s.status)).toEqual(Array(6).fill('not configured'));
      expect(linked).toEqual([{ snapshotKey: result.snapshotKey, ...(result.previousKey ? { previousKey: result.previousKey } : {}) }]);
      const text = await captured(() => inventoryScanCommand({}));
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^inventory scan at .*: 0 asset\(s\); low 0, medium 0, high 0, critical 0\nsnapshot inventory\/scans\/.*\.json/);
      expect(text.stdout).toMatch(/github +not configured +0 +no GitHub organization configured/);
      expect(text.stdout).toContain('links: 0 alert(s) sent, 0 principal(s) flagged');
    });
  }, 60_000);
});
