/**
 * `warden inventory`: the AI inventory's command group, created once; each inventory command
 * file adds its subcommands to it (list and show from inventory.ts; discovery's scan and
 * schedule beside them).
 */
import { registerInventoryViews } from './inventory.js';
import type { Command } from './program.js';

/** The `inventory` group: found when another part created it, else created. */
export function inventoryGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'inventory') ?? program.command('inventory').description('the AI inventory: models, training data, endpoints, repositories, keys');
}

export function registerInventory(program: Command): void {
  registerInventoryViews(inventoryGroup(program));
}
