#!/usr/bin/env node
import { ConfigError } from '../config/config.js';
import { KeyringError } from '../codec/keyring.js';
import { DevServerError } from '../temporal/dev-server.js';
import { ApiError, CliError } from './api-client.js';
import { run, UsageError } from './commands/index.js';

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ApiError) {
      // `<status> <error>`, the server's details as `path: message` lines, and what to do.
      process.stderr.write(`warden: ${err.describe()}\n`);
      process.exit(1);
    }
    // A usage error is one line: the mistake, "did you mean" when there is a near name, and the command's --help.
    const known = err instanceof ConfigError || err instanceof KeyringError || err instanceof DevServerError || err instanceof UsageError || err instanceof CliError;
    process.stderr.write(`warden: ${known ? err.message : ((err as Error)?.stack ?? String(err))}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
