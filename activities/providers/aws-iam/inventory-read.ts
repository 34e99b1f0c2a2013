import { GetAccessKeyLastUsedCommand, paginateGetAccountAuthorizationDetails, paginateListAccessKeys, type GetAccountAuthorizationDetailsCommandOutput } from '@aws-sdk/client-iam';
import type { IamAuthorizationRead, IamUserKeys, ResourceGrant } from '../../ports/inventory.js';
import { awsCall } from './errors.js';
import { allowedActions, iamWildcard, statementsOf, type Statement } from './policy-eval.js';
import type { IamContext } from './reads.js';

type Details = Omit<GetAccountAuthorizationDetailsCommandOutput, '$metadata'>;
type Principal = { name: string; kind: ResourceGrant['principalKind']; arn: string; tags: Record<string, string>; sources: { via: string; statements: Statement[] }[]; roleLastUsed?: string };

const tagsOf = (tags: readonly { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

/** Every page of GetAccountAuthorizationDetails, merged. */
async function authorizationDetails(ctx: IamContext): Promise<Details> {
  return awsCall({ operation: 'GetAccountAuthorizationDetails', subject: 'the account' }, async () => {
    const out = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] } as Required<Pick<Details, 'UserDetailList' | 'GroupDetailList' | 'RoleDetailList' | 'Policies'>>;
    for await (const page of paginateGetAccountAuthorizationDetails({ client: ctx.client, pageSize: ctx.pageSize }, { Filter: ['User', 'Group', 'Role', 'LocalManagedPolicy', 'AWSManagedPolicy'] })) {
      out.UserDetailList.push(...(page.UserDetailList ?? []));
      out.GroupDetailList.push(...(page.GroupDetailList ?? []));
      out.RoleDetailList.push(...(page.RoleDetailList ?? []));
      out.Policies.push(...(page.Policies ?? []));
    }
    return out;
  });
}

/** Each user and role with every statement that applies to it: its managed and inline policies, and its groups'. */
function principals(d: Details): Principal[] {
  const managed = new Map((d.Policies ?? []).map((p) => [p.Arn ?? '', { name: p.PolicyName ?? '', statements: statementsOf(p.PolicyVersionList?.find((v) => v.IsDefaultVersion)?.Document) }]));
  const attached = (list: readonly { PolicyArn?: string }[] | undefined, prefix: string) =>
    (list ?? []).map((a) => ({ via: `${prefix}policy ${managed.get(a.PolicyArn ?? '')?.name ?? a.PolicyArn}`, statements: managed.get(a.PolicyArn ?? '')?.statements ?? [] }));
  const inline = (list: readonly { PolicyName?: string; PolicyDocument?: string }[] | undefined, prefix: string) =>
    (list ?? []).map((p) => ({ via: `${prefix}inline ${p.PolicyName}`, statements: statementsOf(p.PolicyDocument) }));
  const groups = new Map(
    (d.GroupDetailList ?? []).map((g) => [g.GroupName ?? '', [...attached(g.AttachedManagedPolicies, `group ${g.GroupName}: `), ...inline(g.GroupPolicyList, `group ${g.GroupName}: `)]]),
  );
  return [
    ...(d.UserDetailList ?? []).map((u) => ({
      name: u.UserName ?? '',
      kind: 'iam-user' as const,
      arn: u.Arn ?? '',
      tags: tagsOf(u.Tags),
      sources: [...attached(u.AttachedManagedPolicies, ''), ...inline(u.UserPolicyList, ''), ...(u.GroupList ?? []).flatMap((g) => groups.get(g) ?? [])],
    })),
    ...(d.RoleDetailList ?? []).map((r) => ({
      name: r.RoleName ?? '',
      kind: 'iam-role' as const,
      arn: r.Arn ?? '',
      tags: tagsOf(r.Tags),
      sources: [...attached(r.AttachedManagedPolicies, ''), ...inline(r.RolePolicyList, '')],
      ...(r.RoleLastUsed?.LastUsedDate ? { roleLastUsed: r.RoleLastUsed.LastUsedDate.toISOString() } : {}),
    })),
  ];
}

/** The user's access keys with each one's last use (GetAccessKeyLastUsed). */
async function keysOf(ctx: IamContext, userName: string): Promise<IamUserKeys['keys']> {
  const subject = `IAM user ${userName}`;
  const keys = await awsCall({ operation: 'ListAccessKeys', subject }, async () => {
    const out = [];
    for await (const page of paginateListAccessKeys({ client: ctx.client, pageSize: ctx.pageSize }, { UserName: userName })) out.push(...(page.AccessKeyMetadata ?? []));
    return out;
  });
  const result: IamUserKeys['keys'][number][] = [];
  for (const k of keys) {
    const used = await awsCall({ operation: 'GetAccessKeyLastUsed', subject: `an access key of ${subject}` }, () => ctx.client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId })));
    const last = used.AccessKeyLastUsed;
    result.push({
      accessKeyId: k.AccessKeyId ?? '',
      status: k.Status ?? 'unknown',
      ...(k.CreateDate ? { createDate: k.CreateDate.toISOString() } : {}),
      ...(last?.LastUsedDate ? { lastUsed: last.LastUsedDate.toISOString() } : {}),
      ...(last?.ServiceName && last.ServiceName !== 'N/A' ? { lastService: last.ServiceName } : {}),
    });
  }
  return result;
}

const newest = (dates: readonly (string | undefined)[]) =>
  dates
    .filter((d): d is string => !!d)
    .sort()
    .at(-1);

/** The inventory's IAM reads: who may act on which resource (policy documents evaluated by policy-eval.ts), and ML principals' keys. Read-only. */
export function createIamInventoryRead(ctx: IamContext): IamAuthorizationRead {
  const lastUse = new Map<string, Promise<string | undefined>>();
  const userLastUse = (name: string) => {
    if (!lastUse.has(name))
      lastUse.set(
        name,
        keysOf(ctx, name).then((keys) => newest(keys.map((k) => k.lastUsed))),
      );
    return lastUse.get(name)!;
  };
  return {
    async grantsOn(resources) {
      const all = principals(await authorizationDetails(ctx));
      const out: Record<string, ResourceGrant[]> = {};
      for (const r of resources) {
        const grants: ResourceGrant[] = [];
        for (const p of all) {
          const statements = p.sources.flatMap((s) => s.statements);
          const actions = allowedActions(statements, r.actions, r.arn);
          if (actions.length === 0) continue;
          const via = p.sources.filter((s) => allowedActions(s.statements, actions, r.arn).length > 0).map((s) => s.via);
          const lastUsed = p.kind === 'iam-user' ? await userLastUse(p.name) : p.roleLastUsed;
          grants.push({ principal: p.name, principalKind: p.kind, actions, via: via.join('; '), ...(lastUsed ? { lastUsed } : {}) });
        }
        out[r.arn] = grants;
      }
      return out;
    },
    async keyHolders(match) {
      const users = (await authorizationDetails(ctx)).UserDetailList ?? [];
      const picked = users.filter((u) => {
        const tags = tagsOf(u.Tags);
        return match.namePatterns.some((p) => iamWildcard(p, u.UserName ?? '', false)) || Object.entries(match.tags).some(([k, v]) => tags[k] === v);
      });
      const out: IamUserKeys[] = [];
      for (const u of picked) out.push({ userName: u.UserName ?? '', arn: u.Arn ?? '', tags: tagsOf(u.Tags), keys: await keysOf(ctx, u.UserName ?? '') });
      return out;
    },
  };
}
