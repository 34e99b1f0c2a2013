import { AttachUserPolicyCommand, CreatePolicyCommand, DetachUserPolicyCommand, GetPolicyCommand } from '@aws-sdk/client-iam';
import type { ChangeResult } from '../../ports/change.js';
import { carryOut, note, removal, step, type PlanEntry } from './change.js';
import { awsCall, isNotFound } from './errors.js';
import { listAttachedPolicies, requireUser, userSubject, type IamContext } from './reads.js';
import { failure, FailureKind, isFailureKind } from '../../../contracts/failures.js';

/** The customer-managed policy that quarantines a principal. */
export const QUARANTINE_POLICY = 'WardenQuarantine';

const DENY_ALL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'WardenQuarantineDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
});

/** `arn:<partition>:iam::<account>:policy/WardenQuarantine`, in the user's own partition and account. */
export function quarantinePolicyArn(userArn: string): string {
  const [, partition = 'aws', , , account = ''] = userArn.split(':');
  return `arn:${partition}:iam::${account}:policy/${QUARANTINE_POLICY}`;
}

async function policyExists(ctx: IamContext, arn: string): Promise<boolean> {
  try {
    await awsCall({ operation: 'GetPolicy', subject: `policy ${arn}` }, () => ctx.client.send(new GetPolicyCommand({ PolicyArn: arn })));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Creates the quarantine policy; one created meanwhile by a concurrent run is as good. */
async function createPolicy(ctx: IamContext): Promise<void> {
  try {
    await awsCall({ operation: 'CreatePolicy', subject: `policy ${QUARANTINE_POLICY}` }, () =>
      ctx.client.send(new CreatePolicyCommand({ PolicyName: QUARANTINE_POLICY, PolicyDocument: DENY_ALL, Description: 'Warden: denies every action (incident quarantine)' })),
    );
  } catch (err) {
    if (!isFailureKind(err, FailureKind.EntityAlreadyExists)) throw err;
  }
}

/**
 * Attaches (quarantined: true) or detaches the deny-all `WardenQuarantine` policy, creating
 * the policy in the user's account first when it is missing. Reads the user, the policy and
 * the user's attached policies first; idempotent: "already quarantined" / "not quarantined".
 */
export async function setQuarantine(ctx: IamContext, input: { userName: string; quarantined: boolean; dryRun: boolean }): Promise<ChangeResult> {
  const { userName, quarantined } = input;
  const user = await requireUser(ctx, userName);
  const arn = quarantinePolicyArn(user.arn);
  const attached = (await listAttachedPolicies(ctx, userName)).some((p) => p.arn === arn);
  const subject = `${QUARANTINE_POLICY} on ${userSubject(userName)}`;
  const entries: PlanEntry[] = [];
  if (quarantined && !attached) {
    if (!(await policyExists(ctx, arn))) {
      entries.push(step(`create the customer-managed deny-all policy ${QUARANTINE_POLICY}`, () => createPolicy(ctx)));
    }
    const attach = () => awsCall({ operation: 'AttachUserPolicy', subject }, () => ctx.client.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: arn })));
    // IAM is eventually consistent: a policy created a moment ago may not be attachable yet.
    // That is worth a retry (which reads again and only attaches), not a permanent failure.
    const attachFresh = () =>
      attach().catch((err: unknown) => {
        throw isNotFound(err) ? failure(FailureKind.AwsUnavailable, `${QUARANTINE_POLICY} was just created and IAM does not show it yet; will retry`) : err;
      });
    entries.push(step(`attach the deny-all policy ${QUARANTINE_POLICY} to ${userSubject(userName)}`, entries.length ? attachFresh : attach));
  } else if (!quarantined && attached) {
    entries.push(
      step(`detach the policy ${QUARANTINE_POLICY} from ${userSubject(userName)}`, () =>
        removal(() => awsCall({ operation: 'DetachUserPolicy', subject }, () => ctx.client.send(new DetachUserPolicyCommand({ UserName: userName, PolicyArn: arn })))),
      ),
    );
  } else {
    entries.push(
      note(quarantined ? `${userSubject(userName)} is already quarantined (${QUARANTINE_POLICY} attached)` : `${userSubject(userName)} is not quarantined (${QUARANTINE_POLICY} not attached)`),
    );
  }
  return carryOut({
    dryRun: input.dryRun,
    entries,
    before: { quarantined: attached },
    after: { quarantined },
    readBack: async () => ({ quarantined: (await listAttachedPolicies(ctx, userName)).some((p) => p.arn === arn) }),
    output: { policyArn: arn },
  });
}
