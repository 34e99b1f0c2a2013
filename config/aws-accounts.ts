import { z } from 'zod';

/**
 * The `aws:` section of warden.yaml: the other AWS accounts Warden acts in, each through a role
 * it assumes (STS AssumeRole, refreshed before expiry). People's IAM users name their account
 * (`people[].aws[].account`); a change aimed at an account listed here uses that account's role,
 * any other account the default credentials. No secret lives here: only role ARNs.
 */
export const awsAccountsSchema = z.strictObject({
  accounts: z
    .array(
      z.strictObject({
        /** As people's `aws[].account` name it: the 12-digit id or the alias. */
        account: z.string().regex(/^(\d{12}|[a-z0-9][a-z0-9-]{0,62})$/, 'a 12-digit account id or an account alias'),
        role_arn: z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'an IAM role ARN (arn:aws:iam::123456789012:role/Name)'),
        /** The external id the role's trust policy requires, if any. */
        external_id: z.string().min(2).max(1224).optional(),
      }),
    )
    .default([])
    .superRefine((accounts, ctx) => {
      const seen = new Set<string>();
      accounts.forEach((a, i) => {
        if (seen.has(a.account)) ctx.addIssue({ code: 'custom', path: [i, 'account'], message: `account ${a.account} is listed twice` });
        seen.add(a.account);
      });
    }),
});

export type AwsAccountsConfig = z.infer<typeof awsAccountsSchema>;
