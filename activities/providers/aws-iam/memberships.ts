import { AddUserToGroupCommand, AttachUserPolicyCommand, DeleteUserPolicyCommand, DetachUserPolicyCommand, RemoveUserFromGroupCommand } from '@aws-sdk/client-iam';
import type { ChangeResult } from '../../ports/change.js';
import { carryOut, note, removal, step, type PlanEntry } from './change.js';
import { awsCall } from './errors.js';
import { QUARANTINE_POLICY } from './quarantine.js';
import { inlinePolicyDocument, listAttachedPolicies, listGroups, listInlinePolicyNames, userSubject, type IamContext } from './reads.js';

const unique = (items: readonly string[]) => [...new Set(items)];
const isQuarantine = (arn: string) => arn.endsWith(`:policy/${QUARANTINE_POLICY}`);
/** Read-backs of the user's groups and attached policies, in the shape of `before`. */
const groupsOf = (ctx: IamContext, userName: string) => async () => ({ groups: await listGroups(ctx, userName) });
const policyArnsOf = (ctx: IamContext, userName: string) => async () => ({ policyArns: (await listAttachedPolicies(ctx, userName)).map((p) => p.arn) });

/**
 * Removes the user from the given groups, or from every group. Reads ListGroupsForUser first;
 * idempotent: groups the user is not in are noted, not an error. `output.groups`: the groups it
 * was removed from, which the undo (addToGroups) puts back.
 */
export async function removeFromGroups(ctx: IamContext, input: { userName: string; groups?: readonly string[]; dryRun: boolean }): Promise<ChangeResult> {
  const { userName } = input;
  const current = await listGroups(ctx, userName);
  const wanted = unique(input.groups ?? current);
  const removed = wanted.filter((g) => current.includes(g));
  const entries: PlanEntry[] = wanted.map((group) =>
    current.includes(group)
      ? step(`remove ${userSubject(userName)} from group ${group}`, () =>
          removal(() =>
            awsCall({ operation: 'RemoveUserFromGroup', subject: `${userSubject(userName)} in group ${group}` }, () =>
              ctx.client.send(new RemoveUserFromGroupCommand({ UserName: userName, GroupName: group })),
            ),
          ),
        )
      : note(`${userSubject(userName)} is not in group ${group}`),
  );
  if (entries.length === 0) entries.push(note(`${userSubject(userName)} is in no groups`));
  const after = current.filter((g) => !removed.includes(g));
  return carryOut({ dryRun: input.dryRun, entries, before: { groups: current }, after: { groups: after }, readBack: groupsOf(ctx, userName), output: { groups: removed } });
}

/** Adds the user to groups (the undo of removeFromGroups). Idempotent: groups already joined are noted. */
export async function addToGroups(ctx: IamContext, input: { userName: string; groups: readonly string[]; dryRun: boolean }): Promise<ChangeResult> {
  const { userName } = input;
  const current = await listGroups(ctx, userName);
  const wanted = unique(input.groups);
  const added = wanted.filter((g) => !current.includes(g));
  const entries: PlanEntry[] = wanted.map((group) =>
    current.includes(group)
      ? note(`${userSubject(userName)} is already in group ${group}`)
      : step(`add ${userSubject(userName)} to group ${group}`, () =>
          awsCall({ operation: 'AddUserToGroup', subject: `${userSubject(userName)} and group ${group}` }, () => ctx.client.send(new AddUserToGroupCommand({ UserName: userName, GroupName: group }))),
        ),
  );
  if (entries.length === 0) entries.push(note(`no groups to add ${userSubject(userName)} to`));
  return carryOut({ dryRun: input.dryRun, entries, before: { groups: current }, after: { groups: [...current, ...added] }, readBack: groupsOf(ctx, userName), output: { groups: added } });
}

/**
 * Detaches the given managed policies, or every one but WardenQuarantine (lifting a quarantine
 * is aws.releaseQuarantine's job). Reads ListAttachedUserPolicies first; idempotent.
 * `output.policyArns`: the policies detached, which the undo (attachUserPolicies) re-attaches.
 */
export async function detachUserPolicies(ctx: IamContext, input: { userName: string; policyArns?: readonly string[]; dryRun: boolean }): Promise<ChangeResult> {
  const { userName } = input;
  const current = (await listAttachedPolicies(ctx, userName)).map((p) => p.arn);
  const wanted = unique(input.policyArns ?? current.filter((arn) => !isQuarantine(arn)));
  const detached = wanted.filter((arn) => current.includes(arn));
  const entries: PlanEntry[] = wanted.map((arn) =>
    current.includes(arn)
      ? step(`detach managed policy ${arn} from ${userSubject(userName)}`, () =>
          removal(() =>
            awsCall({ operation: 'DetachUserPolicy', subject: `policy ${arn} on ${userSubject(userName)}` }, () =>
              ctx.client.send(new DetachUserPolicyCommand({ UserName: userName, PolicyArn: arn })),
            ),
          ),
        )
      : note(`managed policy ${arn} is not attached to ${userSubject(userName)}`),
  );
  if (entries.length === 0) entries.push(note(`${userSubject(userName)} has no managed policies to detach`));
  if (!input.policyArns && current.some(isQuarantine)) entries.push(note(`keep ${QUARANTINE_POLICY} attached (aws.releaseQuarantine lifts it)`));
  const after = current.filter((arn) => !detached.includes(arn));
  return carryOut({ dryRun: input.dryRun, entries, before: { policyArns: current }, after: { policyArns: after }, readBack: policyArnsOf(ctx, userName), output: { policyArns: detached } });
}

/** Attaches managed policies (the undo of detachUserPolicies). Idempotent: policies already attached are noted. */
export async function attachUserPolicies(ctx: IamContext, input: { userName: string; policyArns: readonly string[]; dryRun: boolean }): Promise<ChangeResult> {
  const { userName } = input;
  const current = (await listAttachedPolicies(ctx, userName)).map((p) => p.arn);
  const wanted = unique(input.policyArns);
  const attached = wanted.filter((arn) => !current.includes(arn));
  const entries: PlanEntry[] = wanted.map((arn) =>
    current.includes(arn)
      ? note(`managed policy ${arn} is already attached to ${userSubject(userName)}`)
      : step(`attach managed policy ${arn} to ${userSubject(userName)}`, () =>
          awsCall({ operation: 'AttachUserPolicy', subject: `policy ${arn} on ${userSubject(userName)}` }, () => ctx.client.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: arn }))),
        ),
  );
  if (entries.length === 0) entries.push(note(`no managed policies to attach to ${userSubject(userName)}`));
  return carryOut({
    dryRun: input.dryRun,
    entries,
    before: { policyArns: current },
    after: { policyArns: [...current, ...attached] },
    readBack: policyArnsOf(ctx, userName),
    output: { policyArns: attached },
  });
}

/**
 * Deletes the given inline policies, or all. Reads each document first so the record keeps
 * what was deleted (`output.policies: [{ name, document }]`); idempotent: names already gone are noted.
 */
export async function deleteInlinePolicies(ctx: IamContext, input: { userName: string; policyNames?: readonly string[]; dryRun: boolean }): Promise<ChangeResult> {
  const { userName } = input;
  const current = await listInlinePolicyNames(ctx, userName);
  const wanted = unique(input.policyNames ?? current);
  const policies: { name: string; document: unknown }[] = [];
  for (const name of wanted.filter((n) => current.includes(n))) policies.push({ name, document: await inlinePolicyDocument(ctx, userName, name) });
  const entries: PlanEntry[] = wanted.map((name) =>
    current.includes(name)
      ? step(`delete inline policy ${name} of ${userSubject(userName)}`, () =>
          removal(() =>
            awsCall({ operation: 'DeleteUserPolicy', subject: `inline policy ${name} of ${userSubject(userName)}` }, () =>
              ctx.client.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: name })),
            ),
          ),
        )
      : note(`inline policy ${name} of ${userSubject(userName)} is already deleted`),
  );
  if (entries.length === 0) entries.push(note(`${userSubject(userName)} has no inline policies`));
  const deleted = policies.map((p) => p.name);
  return carryOut({
    dryRun: input.dryRun,
    entries,
    before: { policyNames: current },
    after: { policyNames: current.filter((n) => !deleted.includes(n)) },
    readBack: async () => ({ policyNames: await listInlinePolicyNames(ctx, userName) }),
    output: { policies },
  });
}
