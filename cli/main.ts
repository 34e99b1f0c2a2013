#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config.js';
import { KeyringError } from '../codec/keyring.js';
import { DevServerError } from '../temporal/dev-server.js';
import { rotateKeys } from './commands/keys.js';
import { listPlaybooksCommand, validatePlaybooksCommand, writeSchemaCommand } from './commands/playbooks.js';
import { smoke } from './commands/smoke.js';
import { runWarden } from './commands/start.js';

const USAGE = `usage: warden <command>

  start          run everything: worker, HTTP server and, unless TEMPORAL_ADDRESS is set,
                 a local Temporal dev server persisting to .warden/temporal.db
  worker         run only the worker (task queue "warden")
  server         run only the HTTP server (health, codec endpoint)
  smoke          run a trivial workflow through the running system; print its result and Web UI link
  keys rotate    add a new encryption key to the key file (it encrypts from the next start)
  playbooks validate [paths…]   check playbooks (default: playbooks/); every error with file:line and field
  playbooks list [paths…]       id, version, triggers and step counts
  playbooks schema              rewrite playbooks/playbook.schema.json for editors

Configuration comes from the environment; see README.md.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' }, timeout: { type: 'string' } } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { positionals, values } = parsed;
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'start':
      return runWarden({ worker: true, server: true });
    case 'worker':
      return runWarden({ worker: true, server: false });
    case 'server':
      return runWarden({ worker: false, server: true });
    case 'smoke': {
      const timeoutMs = values.timeout ? Number(values.timeout) * 1000 : 60_000;
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout takes a number of seconds');
      return smoke({ timeoutMs });
    }
    case 'keys':
      if (sub === 'rotate') return rotateKeys();
      throw new UsageError(`unknown keys subcommand "${sub ?? ''}"; expected: warden keys rotate`);
    case 'playbooks':
      if (sub === 'validate') return validatePlaybooksCommand(rest);
      if (sub === 'list') return listPlaybooksCommand(rest);
      if (sub === 'schema') return writeSchemaCommand();
      throw new UsageError(`unknown playbooks subcommand "${sub ?? ''}"; expected validate, list or schema`);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known = err instanceof ConfigError || err instanceof KeyringError || err instanceof DevServerError || err instanceof UsageError;
    process.stderr.write(`warden: ${known ? err.message : (err as Error)?.stack ?? String(err)}\n`);
    if (err instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
