import { Command, type CommanderError } from 'commander';
import { UsageError } from '../usage.js';

/**
 * The commander plumbing every command group shares: the exit code an action returns, the one-line
 * usage errors (with commander's "did you mean") and the `warden <cmd> --help` pointer.
 */

let lastCode = 0;

/** Wraps a command's body: its returned exit code becomes `run`'s. */
export function act<A extends unknown[]>(fn: (...args: A) => number | Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    lastCode = await fn(...args);
  };
}

/** The exit code of the last action run, reset by `takeCode`. */
export function takeCode(): number {
  const code = lastCode;
  lastCode = 0;
  return code;
}

/** `incidents show`, or '' for the program itself. */
export function pathOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** `see 'warden incidents show --help'` */
export const helpPointer = (cmd: Command): string => `see 'warden ${pathOf(cmd) ? `${pathOf(cmd)} ` : ''}--help'`;

const visibleNames = (cmd: Command): string[] => cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => c.name());

/** The one line a commander error comes to, or undefined when it is no error (help, version). */
export function describeCommanderError(cmd: Command, err: CommanderError): string | undefined {
  // `help` and `help CMD` exit through 'commander.help' with code 0; a group without its subcommand with 1.
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || (err.code === 'commander.help' && err.exitCode === 0)) return undefined;
  const where = pathOf(cmd);
  if (err.code === 'commander.help') {
    // A group called without its subcommand: name them instead of printing the whole help.
    return `${where || 'warden'} needs a command: ${visibleNames(cmd).join(', ')}`;
  }
  const [first = '', ...rest] = err.message.replace(/^error: /, '').split('\n');
  const suggestion = rest.join(' ').match(/\(Did you mean (.+)\?\)/)?.[1];
  const hint = suggestion ? ` (did you mean ${suggestion}?)` : '';
  const named = first.replace(/^[a-z ]+ '(.*)'.*$/, '$1');
  switch (err.code) {
    case 'commander.unknownOption':
      return `${where || 'warden'} does not take ${named}${hint}`;
    case 'commander.unknownCommand':
      return `unknown command "${named}"${where ? ` for ${where}` : ''}${hint}`;
    case 'commander.excessArguments': {
      const args = cmd.registeredArguments.map((a) => a.name().toUpperCase());
      return `${where} takes ${args.length} argument(s)${args.length ? ` (${args.join(' ')})` : ''}; got ${cmd.args.length}: ${cmd.args.join(' ')}`;
    }
    case 'commander.missingArgument':
      return `${where} is missing ${named.toUpperCase()}`;
    default:
      return `${where ? `${where}: ` : ''}${first}${hint}`;
  }
}

/** The nearest of `names` to `word` (edit distance at most 2), for a "did you mean". */
export function nearest(word: string, names: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row;
    }
    return prev[b.length]!;
  };
  const best = names.map((n) => [n, distance(word, n)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 2 ? best[0] : undefined;
}

/** A usage error after a commander error, already one line with its pointer to --help. */
export class CommanderUsage extends UsageError {}

/** Settings every command inherits (set before any `.command()`): quiet errors, our exits. */
export function configureProgram(program: Command): Command {
  return program
    .name('warden')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .showHelpAfterError(false)
    .configureOutput({ outputError: () => undefined, writeErr: () => undefined });
}

/** After every group registered itself: each command's errors become a one-line UsageError (or a clean exit 0 after help). */
export function installErrorHandling(root: Command): void {
  const visit = (cmd: Command): void => {
    cmd.exitOverride((err) => {
      const line = describeCommanderError(cmd, err);
      if (line === undefined) throw new HelpShown();
      throw new CommanderUsage(`${line}; ${helpPointer(cmd)}`);
    });
    cmd.commands.forEach(visit);
  };
  visit(root);
}

/** --help (or help CMD) was printed: exit 0. */
export class HelpShown extends Error {}

/** A usage error from inside an action gets the pointer to its command's --help. */
export function withHelpPointer(err: unknown, cmd: Command | undefined): unknown {
  if (!(err instanceof UsageError) || err instanceof CommanderUsage || !cmd) return err;
  return new CommanderUsage(`${err.message}; ${helpPointer(cmd)}`);
}

export { Command };

/** `--json` */
export const JSON_FLAG = ['--json', 'print the result as JSON'] as const;

/** Options as commander gives them: camelCase keys. */
export type Opts = Record<string, string | boolean | undefined>;

/** Commander's camelCase options as the `--kebab-case` flags the older command functions take. */
export function kebabFlags(opts: Opts): Record<string, string | boolean | undefined> {
  return Object.fromEntries(Object.entries(opts).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), v]));
}
