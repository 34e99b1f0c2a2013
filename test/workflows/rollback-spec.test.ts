import { describe, expect, it } from 'vitest';
import { validatePlaybook } from '../../playbook/validate.js';
import { rollbackSpec, rollbackSpecs } from '../../workflows/incident/rollback-spec.js';
import { allSteps } from '../../engine/playbook-types.js';

const { playbook, problems } = validatePlaybook({
  id: 'unit',
  version: 1,
  title: 'Unit',
  description: 'Rollback approvals.',
  triggers: [{ types: ['test.alert'] }],
  severity: 'low',
  owners: ['security-oncall', 'mlops'],
  phases: {
    contain: [
      { id: 'disable_key', action: 'aws.disableAccessKey', with: { userName: 'u', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' } },
      { id: 'quarantine', action: 'aws.quarantinePrincipal', with: { userName: 'u' }, approval: { groups: ['security-leads'], quorum: 2, timeout: '1h', allOf: ['security-leads', 'mlops'] } },
      {
        id: 'detach',
        action: 'aws.detachUserPolicies',
        with: { userName: 'u' },
        undo: { action: 'aws.attachUserPolicies', with: { userName: 'u', policyArns: '{{ self.output.policyArns }}' }, approval: { groups: ['security-leads'], timeout: '2h' } },
      },
      { id: 'tell', action: 'notify.slack', with: { channel: '#sec', text: 'x' }, approval: { groups: ['security-oncall'], timeout: '5m', onTimeout: 'approve' } },
    ],
  },
});
const step = (id: string) => allSteps(playbook!).find((s) => s.id === id)!;

describe('the approval of a rollback', () => {
  it('is computed from a valid playbook', () => expect(problems).toEqual([]));

  it("is the playbook's owners, four-eyes, rejected on timeout, when the step needed no approval", () => {
    expect(rollbackSpec(step('disable_key'), playbook!)).toEqual({
      groups: ['security-oncall', 'mlops'],
      quorum: 1,
      timeout: '4h',
      reminders: [],
      escalation: [],
      onTimeout: 'reject',
      fourEyes: true,
    });
  });

  it("is the step's own approval, with four-eyes on and a timeout that never approves", () => {
    expect(rollbackSpec(step('quarantine'), playbook!)).toMatchObject({ groups: ['security-leads'], quorum: 2, timeout: '1h', allOf: ['security-leads', 'mlops'], fourEyes: true });
    expect(rollbackSpec({ ...step('tell'), undo: step('disable_key').undo }, playbook!)).toMatchObject({ groups: ['security-oncall'], onTimeout: 'reject', fourEyes: true });
  });

  it("is the undo's own approval when the playbook gives one", () => {
    expect(rollbackSpec(step('detach'), playbook!)).toMatchObject({ groups: ['security-leads'], timeout: '2h', onTimeout: 'reject', fourEyes: true });
  });

  it('exists for each step that has an undo, by its undo_ id', () => {
    expect(rollbackSpecs(playbook!).map(([id]) => id)).toEqual(['undo_disable_key', 'undo_quarantine', 'undo_detach']);
  });
});
