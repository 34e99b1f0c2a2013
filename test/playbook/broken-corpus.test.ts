import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlaybooks, loadPlaybookText, type LocatedProblem } from '../../playbook/load.js';

/**
 * The corpus of broken playbooks in test/fixtures/broken-playbooks: each file holds one defect
 * (several-*.yaml hold several) and must be rejected with exactly the problems listed here.
 */
const DIR = fileURLToPath(new URL('../fixtures/broken-playbooks/', import.meta.url));

interface Expected {
  readonly line: number;
  readonly field: string;
  /** A substring of the message. */
  readonly message: string;
}

const STEP_ID = 'lower-case letters, digits and underscores, starting with a letter';

/**
 * file → every problem it must produce (no more, no fewer). Template problems, whether the
 * template does not parse or reads something it may not (steps, variables), are located at the
 * field that holds the template.
 */
const EXPECTED: Readonly<Record<string, readonly Expected[]>> = {
  'yaml-syntax-error.yaml': [{ line: 10, field: '(yaml)', message: 'Flow sequence in block collection must be sufficiently indented and end with a ]' }],
  'duplicate-yaml-key.yaml': [{ line: 6, field: '(yaml)', message: 'Map keys must be unique' }],
  // A missing field has no node of its own: it is located at the mapping that lacks it.
  'missing-owners.yaml': [{ line: 2, field: 'owners', message: 'expected array, received undefined' }],
  'wrong-type-version.yaml': [{ line: 3, field: 'version', message: 'expected number, received string' }],
  // An unknown key is reported at the key itself.
  'unknown-top-level-field.yaml': [{ line: 9, field: 'priority', message: 'unknown field "priority"' }],
  'bad-step-id-kebab.yaml': [{ line: 12, field: 'phases.detect[0].id', message: STEP_ID }],
  'bad-step-id-uppercase.yaml': [{ line: 14, field: 'phases.detect[1].id', message: STEP_ID }],
  'step-missing-action.yaml': [{ line: 12, field: 'phases.detect[0].action', message: 'expected string, received undefined' }],
  'unknown-action.yaml': [{ line: 13, field: 'phases.detect[0].action', message: 'unknown action "notify.slak"; did you mean one of: notify.slack, notify.email?' }],
  'slack-missing-channel.yaml': [{ line: 15, field: 'phases.detect[0].with.channel', message: 'expected string, received undefined' }],
  'unknown-param.yaml': [{ line: 17, field: 'phases.detect[0].with.colour', message: 'unknown parameter "colour"' }],
  'http-bad-method.yaml': [{ line: 15, field: 'phases.contain[0].with.method', message: 'expected one of "GET"|"POST"|"PUT"|"PATCH"|"DELETE"' }],
  'email-invalid-to.yaml': [{ line: 15, field: 'phases.eradicate[0].with.to', message: 'Invalid email address' }],
  'duplicate-step-ids.yaml': [{ line: 16, field: 'phases.lessons[0].id', message: 'duplicate step id "snapshot"' }],
  'template-unknown-step.yaml': [{ line: 18, field: 'phases.detect[1].with.text', message: 'refers to step "snap", which does not exist' }],
  'template-later-step.yaml': [{ line: 16, field: 'phases.detect[0].with.text', message: 'refers to step "snapshot", which does not run before step "announce"' }],
  'when-same-parallel-group.yaml': [{ line: 17, field: 'phases.detect[0].parallel[1].when', message: 'refers to step "snapshot", which does not run before step "announce"' }],
  'when-does-not-parse.yaml': [{ line: 14, field: 'phases.detect[0].when', message: 'condition does not parse: unexpected end of expression' }],
  'template-parse-error.yaml': [{ line: 16, field: 'phases.detect[0].with.text', message: 'template does not parse: unexpected end of expression at 16; expected a property name after "."' }],
  'unknown-filter.yaml': [{ line: 16, field: 'phases.detect[0].with.text', message: 'template does not parse: unknown filter "shout"' }],
  'unknown-variable.yaml': [{ line: 16, field: 'phases.detect[0].with.text', message: 'unknown variable "secrets"; templates read alert, incident, steps' }],
  'self-outside-undo.yaml': [{ line: 16, field: 'phases.detect[0].with.text', message: 'unknown variable "self"; templates read alert, incident, steps' }],
  'timeout-approves-destructive.yaml': [
    { line: 18, field: 'phases.contain[0].approval.onTimeout', message: 'a timeout may not approve "aws.disableAccessKey", which is destructive: use onTimeout: escalate' },
  ],
  'timeout-approves-alert-target.yaml': [
    { line: 21, field: 'phases.contain[0].approval.onTimeout', message: 'a timeout may not approve a step whose parameters the alert chooses (with.json.client): use onTimeout: escalate' },
  ],
  'approval-on-wait.yaml': [{ line: 16, field: 'phases.recover[0].approval', message: '"incident.wait" runs inside the incident and takes no approval' }],
  'bad-duration.yaml': [{ line: 14, field: 'phases.contain[0].timeout', message: 'a duration such as "30s", "15m"' }],
  'undo-unknown-action.yaml': [{ line: 17, field: 'phases.contain[0].undo.action', message: 'unknown action "http.delete"; did you mean one of: http.request?' }],
  'parallel-single-step.yaml': [{ line: 13, field: 'phases.detect[0].parallel', message: 'expected array to have >=2 items' }],
  'several-defects.yaml': [
    { line: 15, field: 'phases.detect[0].action', message: 'unknown action "notify.slak"; did you mean one of: notify.slack' },
    { line: 22, field: 'phases.detect[1].with.to', message: 'Invalid email address' },
    { line: 23, field: 'phases.detect[1].with.subject', message: 'refers to step "missing", which does not exist' },
    { line: 24, field: 'phases.detect[1].with.text', message: 'unknown variable "secrets"' },
    { line: 29, field: 'phases.contain[0].with.method', message: 'expected one of "GET"|"POST"' },
    { line: 32, field: 'phases.contain[0].undo.action', message: 'unknown action "http.delete"' },
    { line: 33, field: 'phases.contain[1].id', message: 'duplicate step id "tell_owner"' },
    { line: 35, field: 'phases.contain[1].when', message: 'condition does not parse' },
    { line: 38, field: 'phases.contain[1].with.text', message: 'template does not parse' },
    { line: 44, field: 'phases.recover[0].approval', message: '"incident.wait" runs inside the incident and takes no approval' },
  ],
  'several-schema-defects.yaml': [
    { line: 4, field: 'version', message: 'expected number, received string' },
    { line: 3, field: 'owners', message: 'expected array, received undefined' },
    { line: 12, field: 'phases.detect[0].id', message: STEP_ID },
    { line: 17, field: 'phases.contain[0].timeout', message: 'a duration such as' },
  ],
};

const fixtures = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

function load(file: string): LocatedProblem[] {
  const result = loadPlaybookText(file, readFileSync(join(DIR, file), 'utf8'));
  if (result.ok) return expect.unreachable(`${file} was accepted as playbook ${result.loaded.playbook.id}; it must be rejected`);
  return result.problems;
}

/** Expectations no problem satisfies, matching each problem at most once. */
function unmatched(problems: readonly LocatedProblem[], expected: readonly Expected[]): Expected[] {
  const free = [...problems];
  return expected.filter((e) => {
    const i = free.findIndex((p) => p.line === e.line && p.field === e.field && p.message.includes(e.message));
    if (i < 0) return true;
    free.splice(i, 1);
    return false;
  });
}

const show = (problems: readonly LocatedProblem[]): string => problems.map((p) => `${p.line}:${p.column} ${p.field}: ${p.message}`).join('\n');

describe('broken playbook corpus', () => {
  it('has an expectation for every fixture and a fixture for every expectation', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
    expect(
      fixtures.filter((f) => !(f in EXPECTED)),
      'fixtures without an entry in EXPECTED',
    ).toEqual([]);
    expect(
      Object.keys(EXPECTED).filter((f) => !fixtures.includes(f)),
      'entries in EXPECTED without a fixture',
    ).toEqual([]);
  });

  it.each(fixtures)('%s is rejected with exactly its expected problems (line, field, message)', (file) => {
    const expected = EXPECTED[file];
    if (!expected) return expect.unreachable(`${file} has no entry in EXPECTED; add its expected problems to the table`);
    const problems = load(file);
    expect(unmatched(problems, expected), `problems reported:\n${show(problems)}`).toEqual([]);
    expect(problems, `problems reported:\n${show(problems)}`).toHaveLength(expected.length);
    for (const p of problems) {
      expect(p.file).toBe(file);
      expect(p.line).toBeGreaterThanOrEqual(1);
      expect(p.column).toBeGreaterThanOrEqual(1);
      // Parse messages already say where in the expression they failed; the position is not repeated.
      expect(p.message).not.toMatch(/\(at character \d+\)/);
    }
  });

  it('reports every defect of the multi-defect files, not just the first', () => {
    const lines = (file: string): number[] => [...new Set(load(file).map((p) => p.line))].sort((a, b) => a - b);
    // Ten defects in four phases and five steps; structural defects are likewise all reported together.
    expect(load('several-defects.yaml')).toHaveLength(10);
    expect(lines('several-defects.yaml')).toEqual([15, 22, 23, 24, 29, 32, 33, 35, 38, 44]);
    expect(load('several-schema-defects.yaml')).toHaveLength(4);
    expect(lines('several-schema-defects.yaml')).toEqual([3, 4, 12, 17]);
  });

  it('a playbook of the same shape without the defects is valid', () => {
    const text = [
      'id: minimal',
      'version: 1',
      'title: Minimal',
      'description: The base the broken fixtures start from.',
      'triggers:',
      '  - types: [test.alert]',
      'severity: low',
      'owners: [security-oncall]',
      'phases:',
      '  detect:',
      '    - id: snapshot',
      '      action: evidence.snapshot',
      '    - id: announce',
      '      action: notify.slack',
      '      with:',
      '        channel: "#sec-incidents"',
      '        text: "Alert {{ alert.title }}; evidence at {{ steps.snapshot.output.uri }}"',
      '  contain:',
      '    - id: block_client',
      '      action: http.request',
      '      timeout: 15m',
      '      with:',
      '        method: POST',
      '        url: "https://gateway.internal/admin/v1/blocks"',
      '      undo:',
      '        action: http.request',
      '        with:',
      '          method: DELETE',
      '          url: "https://gateway.internal/admin/v1/blocks/{{ incident.id }}"',
      '',
    ].join('\n');
    const result = loadPlaybookText('minimal.yaml', text);
    expect(result.ok ? [] : show(result.problems)).toEqual([]);
  });

  it('loading the directory rejects every fixture and reports the same problems per file', () => {
    const cwd = fileURLToPath(new URL('../../', import.meta.url));
    const { playbooks, problems } = loadPlaybooks([DIR], cwd);
    expect(playbooks).toEqual([]);
    const prefix = relative(cwd, DIR);
    expect([...new Set(problems.map((p) => p.file))].sort()).toEqual(fixtures.map((f) => join(prefix, f)));
    for (const file of fixtures) {
      const own = problems.filter((p) => p.file === join(prefix, file)).map(({ file: _f, ...rest }) => rest);
      expect(own).toEqual(load(file).map(({ file: _f, ...rest }) => rest));
    }
  });
});
