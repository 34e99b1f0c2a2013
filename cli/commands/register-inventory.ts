/**
 * `warden inventory`: the AI inventory's command group. Each part registers its own subcommands
 * on the group (one line each here): the views (list, show) in inventory.ts; discovery's `scan`
 * registers beside them.
 */
import { registerInventoryViews } from './inventory.js';
import type { Command } from './program.js';

export function registerInventory(program: Command): void {
  const inventory = program.command('inventory').description('the AI inventory: models, data, endpoints, repositories and keys, with who can touch them and their risk');
  registerInventoryViews(inventory);
}
