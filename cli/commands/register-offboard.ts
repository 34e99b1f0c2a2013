import { offboardCommand } from './offboard.js';
import { act, JSON_FLAG, kebabFlags, nearest, type Command, type Opts } from './program.js';
import { UsageError } from '../usage.js';

const PERSON = ['<person>', 'the directory person (id or email)'] as const;

/** `warden offboard PERSON …` and `warden offboard status|report|approve|retry|waive|hold|cancel PERSON`. */
export function registerOffboard(program: Command): void {
  const offboard = program
    .command('offboard')
    .alias('offboarding')
    .description('start (or join) an offboarding, and follow or steer it')
    .usage('PERSON --reason TEXT [--dry-run] [--at TIME] [--json], or offboard <command> PERSON')
    .helpCommand(false)
    .argument(...PERSON)
    .argument('[extra...]')
    .option('--reason <text>', 'why (recorded in the offboarding)')
    .option('--dry-run', 'plan only: nothing is revoked')
    .option('--at <time>', 'effective time: ISO 8601 with a zone, or a duration from now (2h, 3d)')
    .option(...JSON_FLAG)
    .action(
      act((person: string, extra: string[], o: Opts) => {
        const subs = offboard.commands.map((c) => c.name());
        if (extra.length > 0) {
          const near = nearest(person, subs);
          throw new UsageError(
            near ? `unknown offboard command "${person}" (did you mean ${near}?)` : `offboard takes one PERSON, or one of ${subs.join(', ')} and a PERSON; got "${[person, ...extra].join(' ')}"`,
          );
        }
        return offboardCommand([person], kebabFlags(o));
      }),
    );
  const sub = (name: string, description: string, options: readonly (readonly [string, string])[]): void => {
    const cmd = offboard
      .command(name)
      .description(description)
      .argument(...PERSON);
    for (const [flags, what] of options) cmd.option(flags, what);
    cmd.option(...JSON_FLAG).action(act((person: string, o: Opts) => offboardCommand([name, person], kebabFlags(o))));
  };
  sub('status', 'progress per provider and credential', []);
  sub('report', 'the report (Markdown, or JSON)', []);
  sub('approve', 'approve a live offboarding (neither its requester nor its subject)', [['--reason <text>', 'why']]);
  sub('retry', 'run escalated items again', [['--item <id>', 'only this item']]);
  sub('waive', 'accept an escalated item as handled', [
    ['--item <id>', 'the item (see warden offboard status)'],
    ['--reason <text>', 'why (recorded)'],
  ]);
  sub('hold', 'set (or lift) the legal hold that keeps the IAM users', [
    ['--reason <text>', 'why (recorded)'],
    ['--lift', 'lift the hold instead'],
  ]);
  sub('cancel', 'cancel while it waits for its effective time', [['--reason <text>', 'why (recorded)']]);
}
