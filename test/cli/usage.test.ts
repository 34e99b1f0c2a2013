import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assertBuilt, cleanEnv, spawnCli, type CliRun } from '../helpers/cli.js';

/** The built CLI with no server behind it: usage errors never reach the network. */
async function warden(...args: string[]): Promise<CliRun> {
  assertBuilt();
  return spawnCli(args, cleanEnv({ WARDEN_URL: 'http://127.0.0.1:9' })).done;
}

/** One line on stderr, exit 2, naming the mistake and pointing at the command's --help; never the whole help. */
function usageError(r: CliRun, help: string): string {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^warden: /);
  expect(lines[0]).toContain(`see '${help}'`);
  return lines[0]!;
}

describe('warden usage errors (built CLI)', () => {
  it('an unknown command: one line with "did you mean", exit 2', async () => {
    const line = usageError(await warden('incidnts', 'list'), 'warden --help');
    expect(line).toBe(`warden: unknown command "incidnts" (did you mean incidents?); see 'warden --help'`);
  });

  it('the singular `incident` is an alias of `incidents`; an unknown subcommand suggests the near one', async () => {
    const line = usageError(await warden('incident', 'lst'), 'warden incidents --help');
    expect(line).toContain('unknown command "lst" for incidents (did you mean one of list, ls?)');
  });

  it('an unknown option names the option and suggests the near one', async () => {
    const line = usageError(await warden('cancel', 'inc-1', '--reason', 'r', '--rolback'), 'warden cancel --help');
    expect(line).toContain('cancel does not take --rolback (did you mean --rollback?)');
  });

  it('a missing argument, too many arguments and a group without its subcommand', async () => {
    expect(usageError(await warden('incidents', 'show'), 'warden incidents show --help')).toContain('incidents show is missing ID');
    expect(usageError(await warden('incidents', 'show', 'a', 'b'), 'warden incidents show --help')).toContain('incidents show takes 1 argument(s) (ID); got 2: a b');
    expect(usageError(await warden('review'), 'warden review --help')).toContain('review needs a command: run, status, report, decide, approve, schedule, validate');
    expect(usageError(await warden(), 'warden --help')).toContain('warden needs a command: start,');
  });

  it("a command's own check gets the same pointer to its --help", async () => {
    expect(usageError(await warden('cancel', 'inc-1'), 'warden cancel --help')).toContain('cancel needs --reason TEXT');
    expect(usageError(await warden('offboard', 'stauts', 'bob'), 'warden offboard --help')).toContain('unknown offboard command "stauts" (did you mean status?)');
  });

  it('per-command help on stdout, exit 0', async () => {
    const r = await warden('incidents', 'show', '--help');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: warden incidents show \[options\] <id>\n/);
    expect(r.stdout).toContain('--json');
    const viaHelp = await warden('help', 'review');
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toContain('Usage: warden review');
    expect(viaHelp.stdout).toContain('schedule [options]');
  });

  it('completion bash: sourced in bash, it completes subcommands (through aliases) and options', async () => {
    const r = await warden('completion', 'bash');
    expect(r.code).toBe(0);
    const complete = (...words: string[]): string =>
      execFileSync('bash', ['-c', `${r.stdout}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _warden; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).trim();
    expect(complete('warden', 'incident', 's')).toBe('show step start-playbook');
    expect(complete('warden', 'cancel', 'inc-1', '--r')).toBe('--reason --rollback');
    expect(complete('warden', 'offboard', 'st')).toBe('status');
    expect(complete('warden', 'rev')).toBe('review');
  });

  it('completion zsh prints a compdef script over the same tree; an unknown shell is a usage error', async () => {
    const r = await warden('completion', 'zsh');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#compdef warden\n/);
    expect(r.stdout).toContain(`'/incidents'|'/incident') wp='/incidents' ;;`);
    expect(r.stdout).toContain(`'show:state, steps, approvals, notes and timeline'`);
    expect(usageError(await warden('completion', 'fish'), 'warden completion --help')).toContain('completion takes bash or zsh; got "fish"');
  });
});
