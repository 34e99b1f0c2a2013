import { describe, expect, it } from 'vitest';
import type { ApprovalSpec } from '../../engine/playbook-types.js';
import { allowedGroups, applyDecision, coversAllOf, neededPeople, openApproval, validateDecision } from '../../workflows/incident/approval.js';
import type { ApprovalDecision, IncidentState } from '../../contracts/incident.js';

const spec: ApprovalSpec = { groups: ['oncall'], quorum: 2, timeout: '10m', reminders: [], escalation: ['leads', 'ciso'], onTimeout: 'escalate', fourEyes: true };
const T0 = Date.parse('2026-01-01T00:00:00Z');

function incidentWith(status: 'awaiting-approval' | 'applied') {
  const approval = openApproval(spec, 'requester', T0);
  const state = { steps: { s1: { id: 's1', status, approval } } } as unknown as IncidentState;
  return { state, approval };
}
const vote = (id: string, decision: 'approve' | 'reject' = 'approve', groups = ['oncall']): ApprovalDecision => ({ stepId: 's1', decision, via: 'api', approver: { id, groups } });

describe('approval rules (the validator and the tally)', () => {
  it('refuses a decision after the deadline as expired', () => {
    const { state } = incidentWith('awaiting-approval');
    expect(() => validateDecision(state, () => spec, vote('a'), T0 + 10 * 60_000)).toThrow(/^expired/);
    expect(() => validateDecision(state, () => spec, vote('a'), T0 + 10 * 60_000 - 1)).not.toThrow();
  });

  it('refuses a decision on a step that is no longer pending', () => {
    const { state } = incidentWith('applied');
    expect(() => validateDecision(state, () => spec, vote('a'), T0)).toThrow(/already decided: step "s1" is applied/);
  });

  it('widens the allowed groups one escalation level at a time', () => {
    const { state, approval } = incidentWith('awaiting-approval');
    expect(() => validateDecision(state, () => spec, vote('l', 'approve', ['leads']), T0)).toThrow(/not in an allowed group/);
    approval.escalationLevel = 1;
    expect(allowedGroups(approval)).toEqual(['oncall', 'leads']);
    expect(() => validateDecision(state, () => spec, vote('l', 'approve', ['leads']), T0)).not.toThrow();
  });

  it('refuses every decision once an outcome is settled, even before the step moves on', () => {
    const { state, approval } = incidentWith('awaiting-approval');
    applyDecision(approval, vote('a', 'reject'), 'now');
    expect(() => validateDecision(state, () => spec, vote('b'), T0)).toThrow(/already decided: step "s1" is rejected/);
    applyDecision(approval, vote('b'), 'now');
    expect(approval.votes).toHaveLength(1);
    expect(approval.outcome).toBe('rejected');
  });

  it('needs a quorum of approvals, and one rejection rejects', () => {
    const { approval } = incidentWith('awaiting-approval');
    applyDecision(approval, vote('a'), 'now');
    expect(approval.outcome).toBeUndefined();
    applyDecision(approval, vote('b'), 'now');
    expect(approval.outcome).toBe('approved');
    const other = incidentWith('awaiting-approval').approval;
    applyDecision(other, vote('a'), 'now');
    applyDecision(other, vote('b', 'reject'), 'now');
    expect(other.outcome).toBe('rejected');
  });
});

describe('separation of duties (issue #14, point 8)', () => {
  const one: ApprovalSpec = { ...spec, quorum: 1, escalation: [], fourEyes: true };
  const pending = (approval: ReturnType<typeof openApproval>) => ({ steps: { s1: { id: 's1', status: 'awaiting-approval', approval } } }) as unknown as IncidentState;

  it('four-eyes on an alert-opened incident needs two distinct people, and the local admin token is never one of them', () => {
    const approval = openApproval(one, 'alert:guardduty', T0, { strict: true });
    expect(neededPeople(approval)).toBe(2);
    applyDecision(approval, vote('alice'), 'now');
    expect(approval.outcome).toBeUndefined();
    expect(() => validateDecision(pending(approval), () => one, vote('alice'), T0)).toThrow(/already decided by you/);
    expect(() => validateDecision(pending(approval), () => one, vote('local-admin', 'approve', ['oncall', 'leads', 'ml']), T0)).toThrow(/^not a named person/);
    applyDecision(approval, vote('bob'), 'now');
    expect(approval.outcome).toBe('approved');
    // A person who opened it still needs only one other person.
    expect(neededPeople(openApproval(one, 'alice', T0, { strict: true }))).toBe(1);
    // Records opened before (not strict) keep the quorum alone.
    expect(neededPeople(openApproval(one, 'alert:guardduty', T0))).toBe(1);
  });

  it('allOf needs one approver per group, each a different person', () => {
    const both: ApprovalSpec = { ...one, fourEyes: false, allOf: ['oncall', 'ml'] };
    const approval = openApproval(both, 'alert:x', T0, { strict: true });
    expect(() => validateDecision(pending(approval), () => both, vote('m', 'approve', ['ml']), T0)).not.toThrow();
    // One person in both groups meets neither the AND nor the count alone.
    applyDecision(approval, vote('both', 'approve', ['oncall', 'ml']), 'now');
    expect(approval.outcome).toBeUndefined();
    expect(coversAllOf(['oncall', 'ml'], [{ approver: 'x', groups: ['oncall', 'ml'] }])).toBe(false);
    expect(
      coversAllOf(
        ['oncall', 'ml'],
        [
          { approver: 'x', groups: ['oncall'] },
          { approver: 'y', groups: ['oncall'] },
        ],
      ),
    ).toBe(false);
    applyDecision(approval, vote('a2', 'approve', ['oncall']), 'now');
    expect(approval.outcome).toBe('approved');
  });

  it('a rejection, and the approval of a destructive step, need a reason', () => {
    const approval = openApproval(one, 'alice', T0, { strict: true, destructive: true });
    expect(() => validateDecision(pending(approval), () => one, vote('bob', 'reject'), T0)).toThrow(/^reason required: a rejection/);
    expect(() => validateDecision(pending(approval), () => one, vote('bob'), T0)).toThrow(/^reason required: approving a destructive step/);
    expect(() => validateDecision(pending(approval), () => one, { ...vote('bob'), reason: 'key confirmed leaked' }, T0)).not.toThrow();
  });
});
