import { z } from 'zod';
import type { Iam } from '../../../activities/ports.js';
import { requireDep, type ActionDeps } from '../../types.js';
import { failure, FailureKind } from '../../../contracts/failures.js';

/** How to configure the provider, for steps that run while it is not. */
export const HOW = 'configure AWS credentials (the default credential chain) and AWS_ENDPOINT_URL_IAM if not AWS';

const iamName = (what: string, max: number) => z.string().regex(new RegExp(`^[\\w+=,.@-]{1,${max}}$`), `${what}: 1-${max} of A-Z a-z 0-9 + = , . @ _ -`);

export const userName = iamName('an IAM user name', 64).describe('IAM user name');
export const accessKeyId = z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{12,}$/, 'an AWS access key id (AKIA…/ASIA…)');
export const groupName = iamName('an IAM group name', 128);
export const inlinePolicyName = iamName('an inline policy name', 128);
export const policyArn = z.string().regex(/^arn:aws[\w-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/, 'a managed policy ARN (arn:aws:iam::123456789012:policy/Name)');
export const sshKeyId = z.string().regex(/^\w{20,128}$/, 'an SSH public key id (APKA…)');

/** The account the user is in, as the directory names it; a listed account (aws.accounts) is acted in through its role. */
export const account = z
  .string()
  .regex(/^(\d{12}|[a-z0-9][a-z0-9-]{0,62})$/, 'a 12-digit account id or an account alias')
  .optional()
  .describe('AWS account (id or alias); omit for the default credentials');

export const userOnly = z.strictObject({ userName, account });

/**
 * The IAM of the account: a listed account's (through its role), else the default credentials' —
 * but only when the account named is the default one (its id or alias): acting on a same-named
 * user in the wrong account would be worse than not acting. No account named: the default.
 */
export async function awsIam(deps: ActionDeps, accountName: string | undefined): Promise<Iam> {
  const other = accountName ? deps.iamAccounts?.[accountName] : undefined;
  if (other) return other;
  const iam = requireDep(deps, 'iam', HOW);
  if (accountName === undefined) return iam;
  const names = await iam.accountNames();
  if (names.includes(accountName)) return iam;
  throw failure(
    FailureKind.AwsAccountNotConfigured,
    `AWS account ${accountName} is not the account of Warden's credentials (${names.join(', ') || 'unknown'}) and is not listed under aws.accounts in warden.yaml: add it with the role Warden assumes there`,
  );
}

/** "a, b and c" for plans. */
export function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
