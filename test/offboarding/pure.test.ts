import { describe, expect, it } from 'vitest';
import { buildOffboardingReport, renderOffboardingMarkdown } from '../../activities/offboarding/render/report.js';
import type { IamUserEntitlements } from '../../activities/ports/iam.js';
import { identityOffboard } from '../../catalog/actions/identity/offboard.js';
import { effectiveAtOf } from '../../cli/commands/offboard.js';
import { directorySchema, offboardingSettingsSchema } from '../../config/directory.js';
import type { OffboardingInput, OffboardingState } from '../../contracts/offboarding.js';
import { validate } from '../../workflows/offboarding/handlers.js';
import { buildOffboardingInput } from '../../contracts/offboarding-input.js';
import { awsRevocationItems, githubItems, MANUAL, mlflowItems } from '../../workflows/offboarding/plan.js';
import { addItems, initialOffboardingState } from '../../workflows/offboarding/state.js';
import { MANAGER } from './fixture.js';

const people = [
  { id: 'mona', name: 'Mona', email: 'mona@example.com' },
  {
    id: 'dana',
    name: 'Dana',
    email: 'dana@example.com',
    manager: 'mona',
    github_login: 'dana-d',
    slack_user_id: 'U012AB3CD',
    aws: [{ account: '123456789012', user_name: 'dana' }],
    mlflow_user: 'dana',
  },
];

describe('the people: list of warden.yaml', () => {
  it("parses into the directory's Person records", () => {
    const [, dana] = directorySchema.parse(people);
    expect(dana).toEqual({
      id: 'dana',
      name: 'Dana',
      email: 'dana@example.com',
      manager: 'mona',
      githubLogin: 'dana-d',
      slackUserId: 'U012AB3CD',
      aws: [{ account: '123456789012', userName: 'dana' }],
      mlflowUser: 'dana',
      groups: [],
      roles: [],
    });
    expect(offboardingSettingsSchema.parse({})).toEqual({ notify: { email: [] }, retention_days: 30, start_roles: ['hr', 'admin'], sole_approver_roles: [] });
  });

  it('names the field at fault: a repeated id, an unknown manager, an IAM user listed for two people', () => {
    const result = directorySchema.safeParse([...people, { id: 'dana', name: 'Again', email: 'x@example.com', manager: 'ghost', aws: [{ account: '123456789012', user_name: 'dana' }] }]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      '2.id: person "dana" appears twice',
      '2.manager: no person with id "ghost": add them to people, or remove the field',
    ]);
    const shared = directorySchema.safeParse([people[0], people[1], { id: 'eve', name: 'Eve', email: 'eve@example.com', aws: [{ account: '123456789012', user_name: 'dana' }] }]);
    expect(shared.error?.issues.map((i) => i.message)).toEqual(['IAM user dana in 123456789012 is already listed for "dana"']);
  });
});

const inventory: IamUserEntitlements = {
  userName: 'dana',
  arn: 'arn:aws:iam::123456789012:user/dana',
  groups: ['eng'],
  attachedPolicies: [
    { name: 'WardenQuarantine', arn: 'arn:aws:iam::123456789012:policy/WardenQuarantine' },
    { name: 'read', arn: 'arn:aws:iam::123456789012:policy/read' },
  ],
  inlinePolicies: [],
  accessKeys: [
    { accessKeyId: 'AKIA0000000000000001', status: 'Active' },
    { accessKeyId: 'AKIA0000000000000002', status: 'Inactive' },
  ],
  loginProfile: null,
  mfaDevices: [],
  sshKeys: [],
  signingCertificates: [],
  serviceSpecificCredentials: [],
  unavailable: {},
};

describe('what an offboarding revokes', () => {
  it('AWS: every key disabled before any is deleted, then password, MFA, groups, policies, SSH keys, and the quarantine last', () => {
    const items = awsRevocationItems({ account: '123456789012', userName: 'dana' }, inventory);
    expect(items.map((i) => i.action)).toEqual([
      'aws.disableAccessKey',
      'aws.disableAccessKey',
      'aws.deleteAccessKey',
      'aws.deleteAccessKey',
      'aws.deleteLoginProfile',
      'aws.deactivateMfa',
      'aws.removeFromGroups',
      'aws.detachUserPolicies',
      'aws.deleteInlinePolicies',
      'aws.deleteSshKeys',
      'aws.quarantinePrincipal',
    ]);
    expect(items.find((i) => i.id.endsWith('/managed-policies'))?.credential).toBe('managed policies of IAM user dana (account 123456789012): arn:aws:iam::123456789012:policy/read');
    expect(items.find((i) => i.id.endsWith('/login-profile'))?.credential).toContain('(none at inventory)');
  });

  it('GitHub: the credentials against the organization before the membership', () => {
    const [, dana] = directorySchema.parse(people);
    expect(githubItems(dana!).map((i) => i.action)).toEqual([
      'github.revokePatGrants',
      'github.removeSsoAuthorizations',
      'github.removeOrgMember',
      'github.removeOutsideCollaborator',
      'github.cancelInvitations',
    ]);
  });

  it('MLflow: one item revoking the user in the auth app; histories from before the action keep their manual item, under the same id', () => {
    const [mona, dana] = directorySchema.parse(people);
    const [item] = mlflowItems(dana!);
    expect(item).toMatchObject({ id: 'mlflow/dana/permissions', provider: 'mlflow', action: 'model.revokeUserPermissions', params: { user: 'dana' } });
    expect(mlflowItems(dana!, false)).toEqual([expect.objectContaining({ id: item!.id, action: MANUAL })]);
    expect(mlflowItems(mona!)).toEqual([]);
  });
});

function stateWith(over: Partial<OffboardingState> = {}): OffboardingState {
  const [, person] = directorySchema.parse(people);
  const input: OffboardingInput = { personId: 'dana', person: person!, reason: 'left', requestedBy: 'hr', dryRun: false, notify: {} };
  return { ...initialOffboardingState(input, '2025-01-01T00:00:00.000Z', 'run-1'), ...over };
}

describe('the Update validators', () => {
  it('cancel only while waiting for the effective time', () => {
    expect(() => validate.cancel(stateWith({ phase: 'scheduled' }), { by: 'hr', reason: 'withdrawn' })).not.toThrow();
    expect(() => validate.cancel(stateWith({ phase: 'revoking' }), { by: 'hr', reason: 'withdrawn' })).toThrow('too late to cancel');
    expect(() => validate.cancel(stateWith({ phase: 'scheduled' }), { by: 'hr', reason: ' ' })).toThrow('"reason"');
  });

  it('retry and waive only escalated items; a manual item is waived, never retried', () => {
    const state = stateWith();
    const [key, manual] = addItems(state, [
      { id: 'aws/a/dana/groups', provider: 'aws', stage: 'revoke', credential: 'groups', action: 'aws.removeFromGroups', params: {} },
      { id: 'mlflow/dana/permissions', provider: 'mlflow', stage: 'revoke', credential: 'perms', action: 'manual', params: {} },
    ]);
    expect(() => validate.retry(state, { by: 'olga' })).toThrow('nothing to retry');
    expect(() => validate.waive(state, { by: 'olga', item: key!.id, reason: 'x' })).toThrow('not escalated');
    key!.status = 'escalated';
    manual!.status = 'escalated';
    expect(() => validate.retry(state, { by: 'olga', item: key!.id })).not.toThrow();
    expect(() => validate.retry(state, { by: 'olga', item: manual!.id })).toThrow('waive it once it is done');
    expect(() => validate.waive(state, { by: 'olga', item: manual!.id, reason: 'done by hand' })).not.toThrow();
    expect(() => validate.waive(state, { by: 'olga', item: 'nope', reason: 'x' })).toThrow('does not exist');
  });

  it('a legal hold may change until the deletion starts, once per direction, with who and why', () => {
    expect(() => validate.legalHold(stateWith(), { hold: true, by: 'legal', reason: 'case 17' })).not.toThrow();
    expect(() => validate.legalHold(stateWith(), { hold: false, by: 'legal', reason: 'case 17' })).toThrow('no legal hold is set');
    expect(() => validate.legalHold(stateWith({ legalHold: { active: true, changes: [{ hold: true, by: 'legal', reason: 'case 17', at: 'x' }] } }), { hold: true, by: 'l2', reason: 'again' })).toThrow(
      'already set (by legal: case 17)',
    );
    expect(() => validate.legalHold(stateWith({ retention: { status: 'deleted' } }), { hold: true, by: 'legal', reason: 'late' })).toThrow('too late');
  });
});

describe('report, input and CLI helpers', () => {
  it('the Markdown keeps every row on one line, whatever the values hold', () => {
    const state = stateWith({ reason: 'left | for good\nreally' });
    const [item] = addItems(state, [{ id: 'github/x/pat-grants', provider: 'github', stage: 'revoke', credential: 'grants | of x', action: 'github.revokePatGrants', params: {} }]);
    Object.assign(item!, { status: 'done', outcome: 'changed', before: { grants: [{ tokenName: 'a|b' }] }, after: { grants: [] }, finishedAt: '2025-01-01T00:00:01.000Z' });
    const markdown = renderOffboardingMarkdown(buildOffboardingReport(state, '2025-01-01T00:00:02.000Z', 'revocation'));
    expect(markdown).toContain('| Reason | left \\| for good really |');
    expect(markdown).toContain('| grants \\| of x | github.revokePatGrants | {"grants":[{"tokenName":"a\\|b"}]} | {"grants":[]} | 2025-01-01T00:00:01.000Z | revoked |');
  });

  it('the manager joins security on the recipients, once', () => {
    const [, dana] = directorySchema.parse(people);
    const input = buildOffboardingInput(
      { person: dana!, manager: MANAGER },
      { reason: 'left', requestedBy: 'hr', dryRun: false, notify: { email: ['sec@example.com', MANAGER.email], slackChannel: '#sec' } },
    );
    expect(input.notify).toEqual({ email: ['sec@example.com', MANAGER.email], slackChannel: '#sec' });
  });

  it('--at takes an ISO time with a zone, or a duration from now', () => {
    expect(effectiveAtOf('2025-07-01T09:00:00+02:00')).toBe('2025-07-01T07:00:00.000Z');
    expect(effectiveAtOf('3d', Date.parse('2025-01-01T00:00:00Z'))).toBe('2025-01-04T00:00:00.000Z');
    expect(() => effectiveAtOf('2025-07-01 09:00')).toThrow('with a zone');
  });

  it('identity.offboard is a destructive step the workflow runs itself', () => {
    expect(identityOffboard).toMatchObject({ kind: 'workflow', destructive: true });
    expect(identityOffboard.params.safeParse({ person: 'dana', reason: 'left' }).success).toBe(true);
    expect(identityOffboard.params.safeParse({ person: '../x', reason: 'left' }).success).toBe(false);
  });
});
