import { alertSendCommand } from './alert-send.js';
import { rotateKeys } from './keys.js';
import { listPlaybooksCommand, validatePlaybooksCommand, writeSchemaCommand } from './playbooks.js';
import { smoke } from './smoke.js';
import { runWarden } from './start.js';
import { act, JSON_FLAG, type Command } from './program.js';
import { UsageError } from '../usage.js';

/** `warden start|worker|server|smoke`: the running system. */
export function registerRuntime(program: Command): void {
  const runs = {
    start: 'run everything: worker, HTTP server and, unless TEMPORAL_ADDRESS is set, a local Temporal dev server persisting to .warden/temporal.db',
    worker: 'run only the worker (task queue "warden")',
    server: 'run only the HTTP server (health, codec endpoint, alert intake, incident API)',
  } as const;
  for (const [name, summary] of Object.entries(runs) as [keyof typeof runs, string][]) {
    program
      .command(name)
      .description(summary)
      .action(act(() => runWarden({ worker: name !== 'server', server: name !== 'worker' })));
  }
  program
    .command('smoke')
    .description('run a trivial workflow through the running system; print its result and Web UI link')
    .option('--timeout <seconds>', 'how long to wait for the result', '60')
    .action(
      act((opts: { timeout: string }) => {
        const timeoutMs = Number(opts.timeout) * 1000;
        if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout takes a number of seconds');
        return smoke({ timeoutMs });
      }),
    );
}

/** `warden keys rotate`, `warden playbooks validate|list|schema`: local files. */
export function registerLocal(program: Command): void {
  const keys = program.command('keys').description('the encryption key file');
  keys
    .command('rotate')
    .description('add a new encryption key to the key file (it encrypts from the next start)')
    .action(act(() => rotateKeys()));

  const playbooks = program.command('playbooks').alias('playbook').description('check and list playbooks');
  playbooks
    .command('validate')
    .description('check playbooks (default: playbooks/); every error with file:line and field')
    .argument('[paths...]', 'files or directories')
    .action(act((paths: string[]) => validatePlaybooksCommand(paths)));
  playbooks
    .command('list')
    .description('id, version, triggers and step counts')
    .argument('[paths...]', 'files or directories')
    .action(act((paths: string[]) => listPlaybooksCommand(paths)));
  playbooks
    .command('schema')
    .description('rewrite playbooks/playbook.schema.json for editors')
    .action(act(() => writeSchemaCommand()));
}

/** `warden alert send FILE|-` */
export function registerAlert(program: Command): void {
  const alert = program.command('alert').alias('alerts').description('send alerts to the running server');
  alert
    .command('send')
    .description('sign a JSON alert with the webhook secret and post it')
    .argument('<file>', 'the alert JSON, or - for stdin')
    .option('--dry-run', 'open a dry-run incident: every step is a plan, nothing changes')
    .option(...JSON_FLAG)
    .action(act((file: string, opts: { dryRun?: boolean; json?: boolean }) => alertSendCommand(file, { dryRun: opts.dryRun ?? false, json: opts.json ?? false })));
}
