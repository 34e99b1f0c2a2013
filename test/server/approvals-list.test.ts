import { describe, expect, it } from 'vitest';
import type { ApprovalSpec } from '../../engine/playbook-types.js';
import { applyDecision, openApproval, validateDecision } from '../../workflows/incident/approval.js';
import { LOCAL_ADMIN_ID, type ApprovalDecision, type IncidentState } from '../../contracts/incident.js';
import type { Person } from '../../contracts/directory.js';
import type { OffboardingState } from '../../contracts/offboarding.js';
import type { CampaignState, ReviewerState } from '../../contracts/reviews.js';
import type { Caller } from '../../server/auth/api-auth.js';
import { campaignApprovals, incidentApprovals, offboardingApprovals, reviewerItems } from '../../server/routes/approvals.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const spec: ApprovalSpec = { groups: ['oncall'], quorum: 2, timeout: '10m', reminders: [], escalation: ['leads'], onTimeout: 'escalate', fourEyes: true };
const caller = (id: string, groups: string[], roles: Caller['roles'] = ['responder']): Caller => ({ id, roles, groups });
const person = (id: string, email = `${id}@example.com`): Person => ({ id, name: id, email, aws: [] }) as unknown as Person;

function incident(principalUser?: string) {
  const approval = openApproval(spec, 'rita', T0);
  const state = {
    incidentId: 'inc-1',
    title: 'key leaked',
    steps: { s1: { id: 's1', action: 'aws.disableAccessKey', status: 'awaiting-approval', approval }, s0: { id: 's0', action: 'evidence.snapshot', status: 'applied' } },
    alerts: { count: 1, recent: [{ principal: principalUser ? { user: principalUser } : undefined }], lastAt: '' },
    principals: [],
  } as unknown as IncidentState;
  return { state, approval };
}

describe('GET /v1/approvals: what waits on the caller', () => {
  it('lists exactly the incident steps the approval validator would accept from the caller', () => {
    const { state, approval } = incident();
    applyDecision(approval, { stepId: 's1', decision: 'approve', via: 'api', approver: { id: 'vic', groups: ['oncall'] } }, 'now');
    const callers = [
      caller('ann', ['oncall']),
      caller('lea', ['leads']),
      caller('rita', ['oncall']),
      caller('vic', ['oncall']),
      caller(LOCAL_ADMIN_ID, ['oncall'], ['admin']),
      caller('vera', ['oncall'], ['viewer']),
    ];
    for (const c of callers) {
      const listed = incidentApprovals(state, c, undefined, T0);
      for (const decision of ['approve', 'reject'] as const) {
        const d: ApprovalDecision = { stepId: 's1', decision, via: 'api', approver: { id: c.id, groups: c.groups }, reason: 'r' };
        const accepted = (() => {
          try {
            validateDecision(state, () => spec, d, T0);
            return true;
          } catch {
            return false;
          }
        })();
        // A viewer's vote is refused by the route (role), not by the validator: it is never listed.
        expect(
          listed.some((a) => a.kind === 'incident-step' && a.may.includes(decision)),
          `${c.id} ${decision}`,
        ).toBe(accepted && c.roles.some((r) => r !== 'viewer'));
      }
    }
    expect(incidentApprovals(state, caller('ann', ['oncall']), undefined, T0)).toEqual([
      expect.objectContaining({ kind: 'incident-step', incidentId: 'inc-1', stepId: 's1', action: 'aws.disableAccessKey', may: ['approve', 'reject'], command: 'warden approve inc-1 s1 [--reject]' }),
    ]);
    // The local admin may only reject where several people must approve.
    expect(incidentApprovals(state, caller(LOCAL_ADMIN_ID, ['oncall'], ['admin']), undefined, T0)).toEqual([expect.objectContaining({ may: ['reject'] })]);
    // Past the deadline nothing is listed.
    expect(incidentApprovals(state, caller('ann', ['oncall']), undefined, T0 + 10 * 60_000)).toEqual([]);
  });

  it('never lists a decision about the caller themselves (the incident names their person)', () => {
    const { state } = incident('ann@example.com');
    expect(incidentApprovals(state, caller('ann', ['oncall']), person('ann'), T0)).toEqual([]);
    expect(incidentApprovals(state, caller('bob', ['oncall']), person('bob'), T0)).toHaveLength(1);
  });

  it('offboardings: a second person with an approving role, never the requester or the subject', () => {
    const s = { personId: 'leo', requestedBy: 'hana', reason: 'left', phase: 'scheduled', approval: { required: true }, times: { effectiveAt: '2026-02-01T00:00:00Z' } } as unknown as OffboardingState;
    const roles = ['hr', 'admin'] as const;
    expect(offboardingApprovals(s, caller('hugo', [], ['hr']), person('hugo'), roles)).toEqual([
      expect.objectContaining({ kind: 'offboarding', personId: 'leo', command: 'warden offboard approve leo' }),
    ]);
    expect(offboardingApprovals(s, caller('hana', [], ['hr']), person('hana'), roles)).toEqual([]);
    expect(offboardingApprovals(s, caller('leo-token', [], ['admin']), person('leo'), roles)).toEqual([]);
    expect(offboardingApprovals(s, caller('ria', [], ['responder']), person('ria'), roles)).toEqual([]);
    expect(offboardingApprovals({ ...s, approval: { required: true, approved: { by: 'x', at: '' } } }, caller('hugo', [], ['hr']), undefined, roles)).toEqual([]);
  });

  it('reviews: the campaign approval for its group, and my own open review items', () => {
    const c = { campaignId: 'q1', phase: 'awaiting-approval', approval: { group: 'compliance' } } as unknown as CampaignState;
    expect(campaignApprovals(c, caller('cora', ['compliance']))).toEqual([expect.objectContaining({ kind: 'review-approval', campaignId: 'q1' })]);
    expect(campaignApprovals(c, caller('ann', ['oncall']))).toEqual([]);
    const r = { campaignId: 'q1', reviewer: 'mike', phase: 'open', deadline: '2026-02-01T00:00:00Z', items: [{ id: 'a' }, { id: 'b' }], decisions: { a: {} } } as unknown as ReviewerState;
    expect(reviewerItems(r, person('mike'))).toEqual([expect.objectContaining({ kind: 'review-items', open: 1 })]);
    expect(reviewerItems(r, person('ann'))).toEqual([]);
    expect(reviewerItems({ ...r, escalatedTo: 'boss' }, person('boss'))).toHaveLength(1);
  });
});
