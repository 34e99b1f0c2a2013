import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PHASES } from '../../engine/playbook-types.js';
import { loadPlaybooks } from '../../playbook/load.js';
import { assertBuilt, cleanEnv, spawnCli, type CliRun } from '../helpers/cli.js';

/** The CLI resolves paths against its cwd, which is the test's: the repository root. */
const PLAYBOOK_DIR = 'playbooks';
const BROKEN_DIR = 'test/fixtures/broken-playbooks';

const NINE = ['model-extraction', 'model-inversion', 'data-poisoning', 'prompt-injection', 'exposed-ml-endpoint', 'leaked-credential', 'compromised-model', 'insider-exfiltration', 'triage'];

async function warden(...args: string[]): Promise<CliRun> {
  assertBuilt();
  return spawnCli(args, cleanEnv({})).done;
}

const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');
const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();

describe('warden playbooks (built CLI)', () => {
  it('runs from the repository root', () => {
    expect(existsSync(`${PLAYBOOK_DIR}/triage.yaml`)).toBe(true);
    expect(existsSync(BROKEN_DIR)).toBe(true);
  });

  it('validate: exits 0 with one ok line per shipped playbook', async () => {
    const expected = loadPlaybooks([PLAYBOOK_DIR]);
    expect(expected.problems).toEqual([]);
    for (const args of [
      ['playbooks', 'validate'],
      ['playbooks', 'validate', PLAYBOOK_DIR],
    ]) {
      const run = await warden(...args);
      expect(run.stderr, args.join(' ')).toBe('');
      expect(run.code, args.join(' ')).toBe(0);
      const ok = lines(run.stdout);
      expect(ok).toHaveLength(yamlFiles(PLAYBOOK_DIR).length);
      expect(ok).toEqual(expected.playbooks.map((p) => `ok  ${PLAYBOOK_DIR}/${p.playbook.id}.yaml  ${p.playbook.id} v${p.playbook.version}  sha256:${p.sha256.slice(0, 12)}`));
    }
  });

  it('validate: exits 1 on the broken corpus with file:line:column: field: message on stderr', async () => {
    const run = await warden('playbooks', 'validate', BROKEN_DIR);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const err = lines(run.stderr);
    const summary = err.pop();
    const fixtures = yamlFiles(BROKEN_DIR);
    expect(summary).toMatch(new RegExp(`^(\\d+) problem\\(s\\) in ${fixtures.length} file\\(s\\)$`));
    expect(Number(/^\d+/.exec(summary ?? '')?.[0])).toBe(err.length);

    const format = /^(test\/fixtures\/broken-playbooks\/[a-z0-9-]+\.yaml):(\d+):(\d+): ([^:\s]+): (.+)$/;
    for (const line of err) expect(line).toMatch(format);
    const files = new Set(err.map((l) => format.exec(l)?.[1]));
    expect([...files].sort()).toEqual(fixtures.map((f) => `${BROKEN_DIR}/${f}`));

    // Exactly what the loader reports, in its order.
    const { problems } = loadPlaybooks([BROKEN_DIR]);
    expect(err).toEqual(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.field}: ${p.message}`));
    expect(err).toContain(`${BROKEN_DIR}/unknown-action.yaml:13:15: phases.detect[0].action: unknown action "notify.slak"; did you mean one of: notify.slack, notify.email?`);
    expect(err).toContain(`${BROKEN_DIR}/yaml-syntax-error.yaml:10:1: (yaml): Flow sequence in block collection must be sufficiently indented and end with a ]`);
  });

  it('list: prints a table of the nine playbooks with their versions', async () => {
    const run = await warden('playbooks', 'list');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [header, ...rows] = lines(run.stdout);
    expect(header).toMatch(/^ID\s+VERSION\s+SEVERITY\s+TRIGGERS\s+STEPS \(d c e r l\)$/);
    const versionColumn = header!.indexOf('VERSION');
    const severityColumn = header!.indexOf('SEVERITY');
    const byId = new Map(rows.map((r) => [r.split(' ')[0], r]));
    expect([...byId.keys()]).toEqual(expect.arrayContaining(NINE));
    expect(rows).toHaveLength(yamlFiles(PLAYBOOK_DIR).length);

    const { playbooks } = loadPlaybooks([PLAYBOOK_DIR]);
    for (const { playbook: p } of playbooks) {
      const row = byId.get(p.id);
      expect(row, p.id).toBeDefined();
      // Columns are aligned under their headers.
      expect(row!.slice(versionColumn, severityColumn).trim(), p.id).toBe(`v${p.version}`);
      expect(row!.slice(severityColumn).split(' ')[0], p.id).toBe(p.severity);
      const counts = PHASES.map((ph) => `${ph[0]}${p.phases[ph].flatMap((n) => ('step' in n ? [n.step] : n.parallel)).length}`).join(' ');
      expect(row!.endsWith(counts), `${p.id}: ${row}`).toBe(true);
    }
    expect(byId.get('triage')).toContain('(fallback)');
    expect(byId.get('leaked-credential')).toContain('credential.leaked|github.secret_scanning≥medium, aws.guardduty.*[warden_category=credential_exfiltration]≥medium');
  });
});
