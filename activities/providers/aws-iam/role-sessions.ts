import { DeleteRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { ChangeResult } from '../../ports/change.js';
import { failure, FailureKind } from '../../../contracts/failures.js';
import { carryOut, note, removal, step, type PlanEntry } from './change.js';
import { awsCall, isNotFound } from './errors.js';
import type { IamContext } from './reads.js';

/**
 * The inline role policy that revokes a role's sessions: it denies every action to credentials
 * issued before a time (condition `aws:TokenIssueTime`), which is how AWS itself revokes a role's
 * active sessions. Credentials issued afterwards (an instance profile's next refresh) work again.
 */
export const REVOKE_SESSIONS_POLICY = 'WardenRevokeOlderSessions';

const roleSubject = (roleName: string) => `IAM role ${roleName}`;

function revokeDocument(issuedBefore: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'WardenRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': issuedBefore } } }],
  });
}

/** The cut-off of the revocation policy on the role, or undefined when the role has none. */
async function currentCutoff(ctx: IamContext, roleName: string): Promise<string | undefined> {
  try {
    const { PolicyDocument } = await awsCall({ operation: 'GetRolePolicy', subject: `${REVOKE_SESSIONS_POLICY} of ${roleSubject(roleName)}` }, () =>
      ctx.client.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKE_SESSIONS_POLICY })),
    );
    const doc = JSON.parse(decodeURIComponent(PolicyDocument ?? '{}')) as { Statement?: { Condition?: { DateLessThan?: Record<string, string> } }[] };
    return doc.Statement?.[0]?.Condition?.DateLessThan?.['aws:TokenIssueTime'] ?? '';
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Revokes (revoked: true) the sessions of a role issued before `issuedBefore`, or lifts that
 * revocation. Reads the role and its revocation policy first: a policy whose cut-off is already
 * at or after `issuedBefore` is "already revoked". After a change the policy is read back, so
 * the result says what IAM holds, not what was asked.
 */
export async function setRoleSessionsRevoked(ctx: IamContext, input: { roleName: string; revoked: boolean; issuedBefore: string; dryRun: boolean }): Promise<ChangeResult> {
  const { roleName, revoked, issuedBefore } = input;
  await awsCall({ operation: 'GetRole', subject: roleSubject(roleName) }, () => ctx.client.send(new GetRoleCommand({ RoleName: roleName })));
  const cutoff = await currentCutoff(ctx, roleName);
  const subject = `${REVOKE_SESSIONS_POLICY} on ${roleSubject(roleName)}`;
  const entries: PlanEntry[] = [];
  if (revoked && (cutoff === undefined || cutoff < issuedBefore)) {
    entries.push(
      step(`deny every action to sessions of ${roleSubject(roleName)} issued before ${issuedBefore} (inline policy ${REVOKE_SESSIONS_POLICY})`, () =>
        awsCall({ operation: 'PutRolePolicy', subject }, () =>
          ctx.client.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKE_SESSIONS_POLICY, PolicyDocument: revokeDocument(issuedBefore) })),
        ),
      ),
    );
  } else if (!revoked && cutoff !== undefined) {
    entries.push(
      step(`delete the inline policy ${REVOKE_SESSIONS_POLICY} from ${roleSubject(roleName)} (its sessions work again)`, () =>
        removal(() => awsCall({ operation: 'DeleteRolePolicy', subject }, () => ctx.client.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKE_SESSIONS_POLICY })))),
      ),
    );
  } else {
    entries.push(note(revoked ? `sessions of ${roleSubject(roleName)} issued before ${cutoff} are already revoked` : `${roleSubject(roleName)} has no session revocation`));
  }
  const result = await carryOut({
    dryRun: input.dryRun,
    entries,
    before: { revokedBefore: cutoff ?? null },
    after: { revokedBefore: revoked ? issuedBefore : null },
    readBack: async () => ({ revokedBefore: (await currentCutoff(ctx, roleName)) ?? null }),
  });
  if (!result.changed) return result;
  const readBack = (result.after as { revokedBefore: string | null }).revokedBefore;
  if (readBack !== (revoked ? issuedBefore : null)) {
    throw failure(FailureKind.AwsUnavailable, `IAM does not show the change to ${subject} yet (read ${readBack ?? 'no policy'}); will retry`);
  }
  return result;
}
