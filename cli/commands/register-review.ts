import { reviewCommand } from './review.js';
import { act, JSON_FLAG, kebabFlags, type Command, type Opts } from './program.js';

type Option = readonly [string, string];

/** `warden review run|status|report|decide|approve|schedule|validate`: access-review campaigns. */
export function registerReview(program: Command): void {
  const review = program.command('review').alias('reviews').description('access-review campaigns, their schedule and policy');
  const sub = (name: string, description: string, args: readonly Option[], options: readonly Option[]): void => {
    const cmd = review.command(name).description(description);
    for (const [arg, what] of args) cmd.argument(arg, what);
    for (const [flags, what] of options) cmd.option(flags, what);
    cmd.action(
      act((...all: unknown[]) => {
        const positionals = all.slice(0, args.length).flat() as (string | undefined)[];
        return reviewCommand([name, ...positionals], kebabFlags(all[args.length] as Opts));
      }),
    );
  };
  const ID: Option = ['<id>', 'the campaign id'];
  sub(
    'run',
    'start an access-review campaign now',
    [],
    [['--dry-run', 'plan only: nothing is revoked'], ['--scope <list>', 'providers, comma-separated (aws,github)'], ['--id <id>', 'the campaign id'], JSON_FLAG],
  );
  sub('status', 'phase, counts, completion rate, deadline, evidence', [ID], [JSON_FLAG]);
  sub('report', "print the campaign's evidence report", [ID], [['--format <format>', 'summary (default: counts by decision and reviewer, overdue, revoked on silence), json, csv or html']]);
  sub(
    'decide',
    'decide an item (keep|revoke) as your directory person, or keep every unflagged item not decided yet',
    [ID, ['[item]', 'the item'], ['[decision]', 'keep or revoke']],
    [['--reason <text>', 'why'], ['--reviewer <person>', 'decide for this reviewer'], ['--keep-unflagged', 'keep every unflagged item not decided yet'], JSON_FLAG],
  );
  sub('approve', "approve (or reject) the campaign's revocations", [ID], [['--reject', 'reject instead'], ['--reason <text>', 'why'], JSON_FLAG]);
  sub(
    'schedule',
    'create or update the quarterly Schedule (warden.yaml reviews.schedule), on Temporal',
    [],
    [['--cron <expr>', 'the cron expression'], ['--timezone <tz>', 'the time zone'], JSON_FLAG],
  );
  sub('validate', 'check the access policy (default: reviews.policy_dir, policy/)', [['[dir]', 'the policy directory']], []);
}
