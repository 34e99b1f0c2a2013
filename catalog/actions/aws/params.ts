import { z } from 'zod';

/** How to configure the provider, for steps that run while it is not. */
export const HOW = 'configure AWS credentials (the default credential chain) and AWS_ENDPOINT_URL_IAM if not AWS';

const iamName = (what: string, max: number) =>
  z.string().regex(new RegExp(`^[\\w+=,.@-]{1,${max}}$`), `${what}: 1-${max} of A-Z a-z 0-9 + = , . @ _ -`);

export const userName = iamName('an IAM user name', 64).describe('IAM user name');
export const accessKeyId = z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{12,}$/, 'an AWS access key id (AKIA…/ASIA…)');
export const groupName = iamName('an IAM group name', 128);
export const inlinePolicyName = iamName('an inline policy name', 128);
export const policyArn = z.string().regex(/^arn:aws[\w-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/, 'a managed policy ARN (arn:aws:iam::123456789012:policy/Name)');
export const sshKeyId = z.string().regex(/^\w{20,128}$/, 'an SSH public key id (APKA…)');

export const userOnly = z.strictObject({ userName });

/** "a, b and c" for plans. */
export function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
