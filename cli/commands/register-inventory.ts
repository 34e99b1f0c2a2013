import { inventoryScanCommand, inventoryScheduleCommand } from './inventory-scan.js';
import { act, JSON_FLAG, type Command, type Opts } from './program.js';

/**
 * The `warden inventory` group, created once: each inventory command file adds its subcommands
 * to it (scan and schedule here; list and show from the inventory surfaces).
 */
export function inventoryGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'inventory') ?? program.command('inventory').description('the AI inventory: models, training data, endpoints, repositories, keys');
}

/** `warden inventory scan|schedule`. */
export function registerInventory(program: Command): void {
  const group = inventoryGroup(program);
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
