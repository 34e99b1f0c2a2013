import { writeFileSync } from 'node:fs';
import { PHASES } from '../../engine/playbook-types.js';
import { loadPlaybooks } from '../../playbook/load.js';
import { playbookJsonSchema } from '../../playbook/schema.js';
import { stepsOf } from '../../engine/playbook-types.js';

export const DEFAULT_PLAYBOOK_DIR = 'playbooks';
export const JSON_SCHEMA_PATH = 'playbooks/playbook.schema.json';

/** `warden playbooks validate [paths…]`: every problem with file:line:column and field; exit 1 if any. */
export function validatePlaybooksCommand(paths: string[]): number {
  const { playbooks, problems } = loadPlaybooks(paths.length ? paths : [DEFAULT_PLAYBOOK_DIR]);
  for (const p of problems) process.stderr.write(`${p.file}:${p.line}:${p.column}: ${p.field}: ${p.message}\n`);
  for (const pb of playbooks) process.stdout.write(`ok  ${pb.file}  ${pb.playbook.id} v${pb.playbook.version}  sha256:${pb.sha256.slice(0, 12)}\n`);
  if (problems.length > 0) {
    process.stderr.write(`${problems.length} problem(s) in ${new Set(problems.map((p) => p.file)).size} file(s)\n`);
    return 1;
  }
  if (playbooks.length === 0) {
    process.stderr.write('no playbooks found\n');
    return 1;
  }
  return 0;
}

const labelsOf = (labels: Readonly<Record<string, string>>): string => {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? `[${pairs.join(',')}]` : '';
};

/** `warden playbooks list [paths…]`: id, version, triggers and step counts per phase. */
export function listPlaybooksCommand(paths: string[]): number {
  const { playbooks, problems } = loadPlaybooks(paths.length ? paths : [DEFAULT_PLAYBOOK_DIR]);
  const rows = playbooks.map(({ playbook: p }) => [
    p.id,
    `v${p.version}`,
    p.severity,
    p.triggers.length ? p.triggers.map((t) => `${t.types.join('|')}${labelsOf(t.labels)}≥${t.minSeverity}`).join(', ') : '(fallback)',
    PHASES.map((ph) => `${ph[0]}${p.phases[ph].flatMap(stepsOf).length}`).join(' '),
  ]);
  const header = ['ID', 'VERSION', 'SEVERITY', 'TRIGGERS', 'STEPS (d c e r l)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows])
    process.stdout.write(
      `${r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  if (problems.length > 0) process.stderr.write(`${problems.length} problem(s); run warden playbooks validate\n`);
  return problems.length > 0 ? 1 : 0;
}

/** `warden playbooks schema`: writes the JSON Schema editors use. */
export function writeSchemaCommand(out = JSON_SCHEMA_PATH): number {
  writeFileSync(out, `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`);
  process.stdout.write(`wrote ${out}\n`);
  return 0;
}
