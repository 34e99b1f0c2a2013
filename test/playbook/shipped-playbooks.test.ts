import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findAction } from '../../catalog/index.js';
import { evaluateExpression } from '../../engine/expression.js';
import { PHASES, type Phase, type ResolvedPlaybook, type ResolvedStep } from '../../engine/playbook-types.js';
import { loadPlaybooks, loadPlaybookText, type LoadedPlaybook } from '../../playbook/load.js';
import { playbookJsonSchema } from '../../playbook/schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, 'playbooks');
const SCHEMA_FILE = join(DIR, 'playbook.schema.json');

const EXPECTED_IDS = ['model-extraction', 'model-inversion', 'data-poisoning', 'prompt-injection', 'exposed-ml-endpoint', 'leaked-credential', 'compromised-model', 'insider-exfiltration', 'triage'];

/**
 * Destructive steps that run without an approval of their own, with why that is acceptable.
 * Each must still be gated: its `when` holds when an earlier, approved step succeeded and never
 * when that step was rejected or skipped.
 */
const UNAPPROVED_DESTRUCTIVE: Readonly<Record<string, { readonly gatedBy: string } | { readonly immediate: string }>> = {
  // Disabling the key only runs once the security-leads (quorum 2, four-eyes) approved the quarantine.
  'insider-exfiltration/disable_key': { gatedBy: 'quarantine_user' },
  // A leaked key is disabled at once; it is reversible (its undo re-enables it), and deleting it
  // waits for an approval in eradicate.
  'leaked-credential/disable_key': { immediate: 'reversible containment of an exposed key' },
};

/** An alert carrying every principal field the shipped playbooks test for. */
const ALERT = {
  type: 'insider.exfiltration',
  severity: 'critical',
  title: 'bulk download',
  principal: { user: 'mallory', aws_user: 'mallory', aws_access_key_id: 'AKIAABCDEFGHIJKLMNOP', email: 'mallory@example.com' },
};

const files = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

function load(file: string): LoadedPlaybook {
  const text = readFileSync(join(DIR, file), 'utf8');
  const result = loadPlaybookText(`playbooks/${file}`, text);
  if (!result.ok) return expect.unreachable(result.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.field}: ${p.message}`).join('\n'));
  return result.loaded;
}

const loaded = files.map(load);

interface Placed {
  readonly playbook: ResolvedPlaybook;
  readonly phase: Phase;
  readonly step: ResolvedStep;
}

/** Every step of every shipped playbook, with its phase, in order. */
const allSteps: Placed[] = loaded.flatMap(({ playbook }) =>
  PHASES.flatMap((phase) => playbook.phases[phase].flatMap((node) => ('step' in node ? [node.step] : node.parallel)).map((step) => ({ playbook, phase, step }))),
);

const key = (p: Placed): string => `${p.playbook.id}/${p.step.id}`;

describe('shipped playbooks', () => {
  it.each(files)('%s validates', (file) => {
    const { playbook } = load(file);
    expect(playbook.id).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(file).toBe(`${playbook.id}.yaml`);
  });

  it('are the nine expected playbooks, with unique ids, and the directory loads without problems', () => {
    const ids = loaded.map((l) => l.playbook.id);
    expect(ids).toEqual(expect.arrayContaining(EXPECTED_IDS));
    expect(new Set(ids).size).toBe(ids.length);
    const set = loadPlaybooks([DIR], ROOT);
    expect(set.problems).toEqual([]);
    expect(set.playbooks.map((p) => p.playbook.id).sort()).toEqual([...ids].sort());
  });

  it('record the sha256 of the file text', () => {
    for (const [i, file] of files.entries()) {
      const text = readFileSync(join(DIR, file), 'utf8');
      expect(loaded[i]?.sha256, file).toBe(createHash('sha256').update(text).digest('hex'));
    }
    expect(new Set(loaded.map((l) => l.sha256)).size).toBe(loaded.length);
  });

  it('roll models back only in the recover phase, behind an approval that includes mlops', () => {
    const rollbacks = allSteps.filter((p) => p.step.action === 'model.rollback');
    expect(rollbacks.map((p) => p.playbook.id)).toEqual(expect.arrayContaining(['compromised-model', 'data-poisoning']));
    for (const p of rollbacks) {
      expect(p.phase, key(p)).toBe('recover');
      expect(p.step.approval, key(p)).toBeDefined();
      expect(p.step.approval?.groups, key(p)).toContain('mlops');
      expect(p.step.undo?.action, key(p)).toBe('model.setAlias');
    }
  });

  it('put every destructive step behind a four-eyes approval (documented exceptions are gated by an approved step)', () => {
    const destructive = allSteps.filter((p) => findAction(p.step.action)?.destructive === true);
    expect(destructive.length).toBeGreaterThanOrEqual(5);
    for (const p of destructive) {
      expect(p.step.destructive, key(p)).toBe(true);
      const exception = UNAPPROVED_DESTRUCTIVE[key(p)];
      if (!exception) {
        expect(p.step.approval, `${key(p)} is destructive (${p.step.action}) and has no approval`).toBeDefined();
        expect(p.step.approval?.fourEyes, key(p)).toBe(true);
        continue;
      }
      expect(p.step.approval, `${key(p)} now has an approval: remove it from UNAPPROVED_DESTRUCTIVE`).toBeUndefined();
      if ('immediate' in exception) {
        // Runs without approval only because it can be undone.
        expect(p.step.undo, `${key(p)} runs without approval, so it must have an undo`).toBeDefined();
        continue;
      }
      const gate = allSteps.find((q) => q.playbook === p.playbook && q.step.id === exception.gatedBy);
      expect(gate?.step.approval, `${key(p)} is gated by ${exception.gatedBy}, which must be approved`).toBeDefined();
      expect(gate?.step.approval?.fourEyes).toBe(true);
      expect(allSteps.indexOf(gate!)).toBeLessThan(allSteps.indexOf(p));
      // Its condition holds when the gate was applied (or done by hand), never when it was denied, not applied or skipped.
      const when = p.step.when;
      if (!when) return expect.unreachable(`${key(p)} has no when: it is not gated by ${exception.gatedBy}`);
      expect(p.step.whenSource).toContain(`steps.${exception.gatedBy}.status`);
      const ctx = (status: string) => ({ alert: ALERT, incident: { id: 'inc-1' }, steps: { [exception.gatedBy]: { status } } });
      for (const status of ['applied', 'already_so', 'done_by_hand']) expect(evaluateExpression(when, ctx(status)), `${key(p)} when ${exception.gatedBy} is ${status}`).toBe(true);
      for (const status of ['denied', 'not_applied', 'skipped']) expect(evaluateExpression(when, ctx(status)), `${key(p)} when ${exception.gatedBy} is ${status}`).toBe(false);
    }
    for (const k of Object.keys(UNAPPROVED_DESTRUCTIVE)) {
      expect(destructive.map(key), `stale exception ${k}`).toContain(k);
    }
  });

  it('declare an undo for every containment that touches AWS credentials; irreversible AWS steps wait for an approval', () => {
    const aws = allSteps.filter((p) => p.step.action.startsWith('aws.'));
    expect(aws.length).toBeGreaterThanOrEqual(5);
    const containment = aws.filter((p) => p.phase === 'contain');
    expect(containment.length).toBeGreaterThanOrEqual(5);
    for (const p of containment) {
      expect(p.step.undo, `${key(p)} (${p.step.action}) has no undo`).toBeDefined();
      expect(p.step.undo?.action, key(p)).toBe(findAction(p.step.action)?.undo?.action);
      expect(p.step.undo?.action, key(p)).toMatch(/^aws\.(enableAccessKey|releaseQuarantine|restoreRoleSessions)$/);
    }
    for (const p of aws.filter((q) => q.phase !== 'contain')) {
      expect(p.step.undo, `${key(p)} cannot be undone`).toBeUndefined();
      expect(p.step.approval?.fourEyes, `${key(p)} (${p.step.action}) is irreversible and must wait for a four-eyes approval`).toBe(true);
    }
  });

  it('ship a JSON Schema that matches the playbook schema', () => {
    const committed: unknown = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    const generated: unknown = JSON.parse(JSON.stringify(playbookJsonSchema()));
    expect(committed, 'playbooks/playbook.schema.json is stale: run `npx warden playbooks schema` and commit the result').toStrictEqual(generated);
  });
});
