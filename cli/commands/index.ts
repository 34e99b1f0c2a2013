import { Command } from 'commander';
import { registerApprovals } from './approvals.js';
import { registerCompletion } from './completion.js';
import { registerAlert, registerLocal, registerRuntime } from './register-core.js';
import { registerDecide } from './register-decide.js';
import { registerIncidents } from './register-incidents.js';
import { registerKpi } from './kpi.js';
import { registerConfig } from './config.js';
import { registerAudit } from './register-audit.js';
import { registerOffboard } from './register-offboard.js';
import { registerReview } from './register-review.js';
import { registerInventory } from './register-inventory.js';
import { configureProgram, HelpShown, installErrorHandling, takeCode, withHelpPointer } from './program.js';
import { UsageError } from '../usage.js';

export { UsageError };

const AFTER_HELP = `
Commands that go through the HTTP API use WARDEN_URL (default http://$WARDEN_HTTP_HOST:$WARDEN_HTTP_PORT)
and WARDEN_TOKEN (default $WARDEN_STATE_DIR/admin-token). review schedule talks to Temporal directly;
review validate and playbooks read local files. Configuration comes from the environment; see README.md.
'warden <command> --help' shows a command's arguments and options.`;

/** The `warden` command tree: each group registers itself; a new group is one more register call. */
export function buildProgram(): Command {
  const program = configureProgram(new Command()).description('Warden: incident response and access governance on Temporal').addHelpText('after', AFTER_HELP);
  registerRuntime(program);
  registerLocal(program);
  registerAlert(program);
  registerIncidents(program);
  registerApprovals(program);
  registerDecide(program);
  registerOffboard(program);
  registerReview(program);
  registerInventory(program);
  registerKpi(program);
  registerConfig(program);
  registerAudit(program);
  registerCompletion(program);
  installErrorHandling(program);
  return program;
}

/** Parses argv and runs the command; resolves with the exit code (usage errors reject with a one-line UsageError). */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  let current: Command | undefined;
  program.hook('preAction', (_root, action) => {
    current = action;
  });
  takeCode();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof HelpShown) return 0;
    throw withHelpPointer(err, current);
  }
  return takeCode();
}
