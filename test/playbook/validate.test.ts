import { describe, expect, it } from 'vitest';
import { evaluateExpression } from '../../engine/expression.js';
import { renderParsed } from '../../engine/parsed-value.js';
import type { Phase, ResolvedPlaybook, ResolvedStep } from '../../engine/playbook-types.js';
import { validatePlaybook, type Problem } from '../../playbook/validate.js';

type StepDoc = Record<string, unknown>;

/** A valid playbook document with the given phases. */
function doc(phases: Partial<Record<Phase, unknown[]>>): Record<string, unknown> {
  return {
    id: 'unit',
    version: 1,
    title: 'Unit',
    description: 'Playbook for validator unit tests.',
    triggers: [{ types: ['test.alert'] }],
    severity: 'low',
    owners: ['security-oncall'],
    phases,
  };
}

function valid(phases: Partial<Record<Phase, unknown[]>>): ResolvedPlaybook {
  const { playbook, problems } = validatePlaybook(doc(phases));
  expect(problems).toEqual([]);
  if (!playbook) return expect.unreachable('no playbook');
  return playbook;
}

function invalid(phases: Partial<Record<Phase, unknown[]>>): Problem[] {
  const { playbook, problems } = validatePlaybook(doc(phases));
  expect(playbook).toBeUndefined();
  expect(problems.length).toBeGreaterThan(0);
  return problems;
}

/** The step at `phase[i]` (or `phase[i].parallel[j]`). */
function stepAt(pb: ResolvedPlaybook, phase: Phase, i: number, j?: number): ResolvedStep {
  const node = pb.phases[phase][i];
  if (!node) return expect.unreachable(`no node ${phase}[${i}]`);
  const step = 'step' in node ? node.step : node.parallel[j ?? 0];
  if (!step) return expect.unreachable(`no step ${phase}[${i}]`);
  return step;
}

const email = (to: unknown): StepDoc => ({ id: 'tell', action: 'notify.email', with: { to, subject: 'Incident {{ incident.id }}', text: 'Rotate your key.' } });
const snapshot = (id: string): StepDoc => ({ id, action: 'evidence.snapshot' });
const slack = (id: string, text: string, extra: StepDoc = {}): StepDoc => ({ id, action: 'notify.slack', with: { channel: '#sec', text }, ...extra });
const disableKey = (extra: StepDoc = {}): StepDoc => ({
  id: 'disable_key',
  action: 'aws.disableAccessKey',
  with: { userName: '{{ alert.principal.aws_user }}', accessKeyId: '{{ alert.principal.aws_access_key_id }}' },
  ...extra,
});

describe('validatePlaybook: parameters', () => {
  it('type-checks literal parameters but not templated ones', () => {
    valid({ eradicate: [email("{{ 'security' }}@example.com")] });
    valid({ eradicate: [email(['{{ incident.id }}@example.com', 'security@example.com'])] });
    valid({ eradicate: [email('owner@example.com')] });

    expect(invalid({ eradicate: [email('not-an-email')] })).toEqual([{ path: ['phases', 'eradicate', 0, 'with', 'to'], message: 'Invalid email address' }]);
    expect(invalid({ eradicate: [email(['{{ incident.id }}', 'not-an-email'])] }).map((p) => p.path)).toEqual([['phases', 'eradicate', 0, 'with', 'to', 1]]);
  });

  it('skips only the templated field: other literals of the same step are still checked', () => {
    const request = (w: StepDoc): StepDoc => ({ id: 'call', action: 'http.request', with: { url: 'https://gateway.internal/x', ...w } });
    valid({ contain: [request({ url: '{{ alert.callback_url }}', timeout: '{{ alert.timeout_ms }}', method: 'PUT' })] });
    expect(invalid({ contain: [request({ timeout: 'soon' })] }).map((p) => p.path)).toEqual([['phases', 'contain', 0, 'with', 'timeout']]);
    expect(invalid({ contain: [request({ url: 'ftp://gateway.internal/x' })] }).map((p) => p.path)).toEqual([['phases', 'contain', 0, 'with', 'url']]);
    const both = invalid({ contain: [request({ url: '{{ alert.callback_url }}', method: 'FETCH' })] });
    expect(both.map((p) => p.path)).toEqual([['phases', 'contain', 0, 'with', 'method']]);
  });

  it('checks the parameters of an undo the same way', () => {
    const undo = (version: string): StepDoc => ({ action: 'model.setAlias', with: { model: 'fraud', version } });
    const step = (version: string): StepDoc => ({ id: 'rollback', action: 'model.rollback', with: { model: 'fraud', reason: 'test' }, undo: undo(version) });
    valid({ recover: [step('{{ self.output.before.version }}')] });
    expect(invalid({ recover: [step('latest')] })).toEqual([{ path: ['phases', 'recover', 0, 'undo', 'with', 'version'], message: 'a version number' }]);
  });
});

describe('validatePlaybook: approvals', () => {
  const approval = { groups: ['security-oncall'] };

  it('defaults fourEyes to true for a destructive step and false otherwise', () => {
    const pb = valid({
      contain: [disableKey({ approval }), { id: 'call', action: 'http.request', with: { url: 'https://gateway.internal/x' }, approval }],
    });
    const destructive = stepAt(pb, 'contain', 0);
    const harmless = stepAt(pb, 'contain', 1);
    expect(destructive.destructive).toBe(true);
    expect(destructive.approval).toEqual({ groups: ['security-oncall'], quorum: 1, timeout: '4h', reminders: [], escalation: [], onTimeout: 'reject', fourEyes: true });
    expect(harmless.destructive).toBe(false);
    expect(harmless.approval?.fourEyes).toBe(false);
  });

  it('keeps an explicit fourEyes either way', () => {
    const pb = valid({
      contain: [
        disableKey({ approval: { ...approval, fourEyes: false } }),
        { id: 'call', action: 'http.request', with: { url: 'https://gateway.internal/x' }, approval: { ...approval, fourEyes: true } },
      ],
    });
    expect(stepAt(pb, 'contain', 0).approval?.fourEyes).toBe(false);
    expect(stepAt(pb, 'contain', 1).approval?.fourEyes).toBe(true);
  });

  it('leaves a step without approval unapproved, destructive or not', () => {
    const pb = valid({ contain: [disableKey()] });
    expect(stepAt(pb, 'contain', 0).approval).toBeUndefined();
    expect('approval' in stepAt(pb, 'contain', 0)).toBe(false);
  });
});

describe('validatePlaybook: undo', () => {
  const self = { params: { userName: 'alice', accessKeyId: 'AKIAABCDEFGHIJKLMNOP' }, output: {} };

  it('applies the catalog default undo (aws.disableAccessKey → aws.enableAccessKey over self.params)', () => {
    const undo = stepAt(valid({ contain: [disableKey()] }), 'contain', 0).undo;
    expect(undo?.action).toBe('aws.enableAccessKey');
    expect(undo?.kind).toBe('change');
    if (!undo) return;
    expect(renderParsed(undo.with, { self })).toEqual({ userName: 'alice', accessKeyId: 'AKIAABCDEFGHIJKLMNOP' });
  });

  it('applies the default undo of aws.quarantinePrincipal too', () => {
    const pb = valid({ contain: [{ id: 'quarantine', action: 'aws.quarantinePrincipal', with: { userName: 'mallory' } }] });
    const undo = stepAt(pb, 'contain', 0).undo;
    expect(undo?.action).toBe('aws.releaseQuarantine');
    if (!undo) return;
    expect(renderParsed(undo.with, { self: { params: { userName: 'mallory' } } })).toEqual({ userName: 'mallory' });
  });

  it('removes the default with undo: false', () => {
    const step = stepAt(valid({ contain: [disableKey({ undo: false })] }), 'contain', 0);
    expect(step.undo).toBeUndefined();
    expect(step.destructive).toBe(true);
  });

  it('prefers an explicit undo over the default, and has none for an action without a default', () => {
    const pb = valid({
      contain: [disableKey({ undo: { action: 'notify.slack', with: { channel: '#sec', text: 'key {{ self.params.accessKeyId }} needs re-enabling' } } }), slack('announce', 'hi')],
    });
    const undo = stepAt(pb, 'contain', 0).undo;
    expect(undo?.action).toBe('notify.slack');
    expect(undo?.kind).toBe('notify');
    if (undo) expect(renderParsed(undo.with, { self })).toEqual({ channel: '#sec', text: 'key AKIAABCDEFGHIJKLMNOP needs re-enabling' });
    expect(stepAt(pb, 'contain', 1).undo).toBeUndefined();
  });

  it('lets an undo read self and its own step, but not a later step', () => {
    const call = (url: string): StepDoc => ({
      id: 'block',
      action: 'http.request',
      with: { url: 'https://gateway.internal/blocks' },
      undo: { action: 'http.request', with: { method: 'DELETE', url } },
    });
    valid({ contain: [call('https://gateway.internal/blocks/{{ steps.block.output.body.id }}?by={{ self.params.url }}')] });
    const problems = invalid({ contain: [call('https://gateway.internal/blocks/{{ steps.later.output.id }}'), snapshot('later')] });
    expect(problems).toEqual([{ path: ['phases', 'contain', 0, 'undo', 'with', 'url'], message: 'refers to step "later", which does not run before step "block"' }]);
  });
});

describe('validatePlaybook: step references', () => {
  it('accepts references to earlier phases and to earlier steps of the same phase', () => {
    const pb = valid({
      detect: [snapshot('snap')],
      contain: [slack('first', 'evidence {{ steps.snap.output.uri }}'), slack('second', 'after {{ steps.first.output.ts }}', { when: "steps.first.status == 'succeeded'" })],
      lessons: [slack('retro', '{{ steps.snap.output.uri }} {{ steps.second.output.ts }}')],
    });
    expect(stepAt(pb, 'contain', 1).whenSource).toBe("steps.first.status == 'succeeded'");
  });

  it('accepts references from after a parallel group to its members, and from a group to steps before it', () => {
    valid({
      detect: [
        snapshot('snap'),
        { parallel: [slack('a', '{{ steps.snap.output.uri }}'), slack('b', 'b', { when: 'steps.snap.output.uri != null' })] },
        slack('after', '{{ steps.a.output.ts }} {{ steps.b.output.ts }}'),
      ],
    });
  });

  it('rejects a reference to the step itself and to a later step of the same phase', () => {
    expect(invalid({ detect: [slack('me', '{{ steps.me.output.ts }}')] })).toEqual([
      { path: ['phases', 'detect', 0, 'with', 'text'], message: 'refers to step "me", which does not run before step "me"' },
    ]);
    expect(invalid({ detect: [slack('first', '{{ steps.second.output.ts }}'), snapshot('second')] })).toEqual([
      { path: ['phases', 'detect', 0, 'with', 'text'], message: 'refers to step "second", which does not run before step "first"' },
    ]);
  });

  it('names a parallel group after its phase and position when it has no id', () => {
    const pb = valid({ contain: [snapshot('snap'), { parallel: [snapshot('a'), snapshot('b')] }, { id: 'pair', parallel: [snapshot('c'), snapshot('d')] }] });
    expect(pb.phases.contain.map((n) => ('parallel' in n ? n.id : n.step.id))).toEqual(['snap', 'contain_parallel_2', 'pair']);
  });
});

describe('validatePlaybook: when', () => {
  const ctx = (severity: string) => ({ alert: { severity }, steps: {}, incident: {} });

  it('parses a bare condition and one wrapped in {{ }} to the same expression', () => {
    const pb = valid({
      detect: [
        slack('bare', 'x', { when: "alert.severity == 'critical'" }),
        slack('wrapped', 'x', { when: "{{ alert.severity == 'critical' }}" }),
        slack('padded', 'x', { when: "  {{alert.severity == 'critical'}}  " }),
      ],
    });
    const [bare, wrapped, padded] = [0, 1, 2].map((i) => stepAt(pb, 'detect', i));
    expect(bare?.when).toBeDefined();
    expect(wrapped?.when).toBeDefined();
    expect(wrapped?.whenSource).toBe("{{ alert.severity == 'critical' }}");
    for (const step of [bare, wrapped, padded]) {
      expect(evaluateExpression(step!.when!, ctx('critical'))).toBe(true);
      expect(evaluateExpression(step!.when!, ctx('low'))).toBe(false);
    }
  });

  it('rejects text around a wrapped condition and unknown variables in a condition', () => {
    const [stray] = invalid({ detect: [slack('s', 'x', { when: "{{ alert.severity == 'critical' }} and more" })] });
    expect(stray?.path).toEqual(['phases', 'detect', 0, 'when']);
    expect(stray?.message).toContain('condition does not parse');
    expect(invalid({ detect: [slack('s', 'x', { when: 'env.prod' })] })).toEqual([{ path: ['phases', 'detect', 0, 'when'], message: 'unknown variable "env"; templates read alert, incident, steps' }]);
  });
});

describe('validatePlaybook: structure', () => {
  it('reports what is wrong with a step or a parallel group, not that the node matches neither', () => {
    expect(invalid({ detect: [{ id: 'snap', with: { label: 'x' } }] })).toEqual([{ path: ['phases', 'detect', 0, 'action'], message: 'Invalid input: expected string, received undefined' }]);
    const [policy] = invalid({ detect: [{ ...snapshot('snap'), onFailure: 'retry' }] });
    expect(policy?.path).toEqual(['phases', 'detect', 0, 'onFailure']);
    expect(policy?.message).toContain('expected one of "abort"|"continue"|"compensate"');
    expect(invalid({ detect: [{ parallel: [snapshot('a'), { id: 'b' }] }] })).toEqual([
      { path: ['phases', 'detect', 0, 'parallel', 1, 'action'], message: 'Invalid input: expected string, received undefined' },
    ]);
  });

  it("takes an undo's own approval (four-eyes always) and refuses one a timeout would approve", () => {
    const approval = { groups: ['security-leads'], timeout: '1h', onTimeout: 'escalate', escalation: ['ciso'] };
    const undo = { action: 'aws.enableAccessKey', with: { userName: '{{ self.params.userName }}', accessKeyId: '{{ self.params.accessKeyId }}' } };
    expect(stepAt(valid({ contain: [disableKey({ undo: { ...undo, approval } })] }), 'contain', 0).undo?.approval).toEqual({
      groups: ['security-leads'],
      quorum: 1,
      timeout: '1h',
      reminders: [],
      escalation: ['ciso'],
      onTimeout: 'escalate',
      fourEyes: true,
    });
    expect(invalid({ contain: [disableKey({ undo: { ...undo, approval: { groups: ['security-oncall'], onTimeout: 'approve' } } })] })).toEqual([
      { path: ['phases', 'contain', 0, 'undo', 'approval', 'onTimeout'], message: 'a rollback is never approved by a timeout: use escalate (with escalation groups) or reject' },
    ]);
  });

  it('reserves step ids starting with undo_ for the approval of a rollback', () => {
    expect(invalid({ detect: [snapshot('undo_snap')] })).toEqual([{ path: ['phases', 'detect', 0, 'id'], message: 'reserved: ids starting with "undo_" name the approval of a rollback' }]);
    expect(stepAt(valid({ detect: [snapshot('snap_undo')] }), 'detect', 0).id).toBe('snap_undo');
  });

  it('reports an unknown key at the key itself', () => {
    expect(invalid({ detect: [{ ...snapshot('snap'), onfailure: 'abort' }] })).toEqual([{ path: ['phases', 'detect', 0, 'onfailure'], message: 'unknown field "onfailure"' }]);
    expect(invalid({ detect: [{ parallel: [snapshot('a'), snapshot('b')], name: 'pair' }] })).toEqual([{ path: ['phases', 'detect', 0, 'name'], message: 'unknown field "name"' }]);
  });

  it('still checks the templates and condition of a step whose action is unknown', () => {
    const problems = invalid({ detect: [{ id: 'announce', action: 'notify.slak', when: 'steps.later.status', with: { text: '{{ secrets.token }}' } }, snapshot('later')] });
    expect(problems.map((p) => [p.path.join('.'), p.message.split(';')[0]])).toEqual([
      ['phases.detect.0.action', 'unknown action "notify.slak"'],
      ['phases.detect.0.with.text', 'unknown variable "secrets"'],
      ['phases.detect.0.when', 'refers to step "later", which does not run before step "announce"'],
    ]);
  });
});
