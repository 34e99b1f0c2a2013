import { describe, expect, it } from 'vitest';
import type { ApprovalSpec } from '../../engine/playbook-types.js';
import { allowedGroups, applyDecision, openApproval, validateDecision } from '../../workflows/incident/approval.js';
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
