import { registerInventoryViews } from './inventory.js';
import { inventoryScanCommand, inventoryScheduleCommand } from './inventory-scan.js';
import { act, JSON_FLAG, type Command, type Opts } from './program.js';

/**
 * `warden inventory`: the AI inventory's command group, created once; list and show come from
 * inventory.ts, scan and schedule (discovery) from here.
 */
export function inventoryGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'inventory') ?? program.command('inventory').description('the AI inventory: models, training data, endpoints, repositories, keys');
}

/** `warden inventory [list] | show | scan | schedule`. */
export function registerInventory(program: Command): void {
  const group = inventoryGroup(program);
  registerInventoryViews(group);
  group
    .command('scan')
    .description('scan every inventory source now (a workflow on Temporal) and wait for the result')
    .option(...JSON_FLAG)
    .action(act((o: Opts) => inventoryScanCommand({ json: o.json === true })));
  group
    .command('schedule')
    .description('create or update the daily inventory-scan Schedule, on Temporal')
    .option('--cron <expr>', 'five cron fields (default 0 3 * * *)')
    .option('--timezone <tz>', 'an IANA time zone (default UTC)')
    .option(...JSON_FLAG)
    .action(
      act((o: Opts) =>
        inventoryScheduleCommand({ ...(typeof o.cron === 'string' ? { cron: o.cron } : {}), ...(typeof o.timezone === 'string' ? { timezone: o.timezone } : {}), json: o.json === true }),
      ),
    );
}
