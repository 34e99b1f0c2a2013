import type { IamEntitlements, IamUserEntitlements } from '../ports/iam.js';
import { entitlementId } from './policy/entitlement-id.js';
import type { Entitlement, EntitlementKind } from '../../contracts/review-types.js';

/** The latest of ISO dates, or undefined when there is none. */
function latest(dates: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  let bestMs = -Infinity;
  for (const d of dates) {
    const ms = d === undefined ? NaN : Date.parse(d);
    if (!Number.isNaN(ms) && ms > bestMs) {
      best = d;
      bestMs = ms;
    }
  }
  return best;
}

/** Warden's own quarantine policy: a control Warden put on the user, not access to review. */
const QUARANTINE = ':policy/WardenQuarantine';
const QUARANTINED =
  "quarantined by Warden: the WardenQuarantine policy (deny all) is attached; it is Warden's control, not an entitlement to review (aws.releaseQuarantine lifts it, after the incident)";

function userEntitlements(account: string, u: IamUserEntitlements): Entitlement[] {
  const controls = u.attachedPolicies.some((p) => p.arn.endsWith(QUARANTINE)) ? [QUARANTINED] : [];
  // IAM reports use for access keys and the console password. An entitlement without usage of
  // its own (a group, a policy) is as used as the user is: its lastUsed is the latest use of any
  // key or console sign-in, absent when there was none. Its createdAt is the credential's own
  // date, else the user's creation (the earliest the entitlement can have existed).
  const userLastUsed = latest([...u.accessKeys.map((k) => k.lastUsed?.date), u.passwordLastUsed]);
  const make = (kind: EntitlementKind, resource: string, permission: string, extra: { lastUsed?: string | undefined; createdAt?: string | undefined }): Entitlement => {
    const base = { system: 'aws' as const, account, subject: u.userName, kind, resource };
    return {
      id: entitlementId(base),
      ...base,
      permission,
      ...(extra.lastUsed ? { lastUsed: extra.lastUsed } : {}),
      ...(extra.createdAt ? { createdAt: extra.createdAt } : {}),
      grantedVia: 'direct',
      ...(controls.length ? { context: controls } : {}),
    };
  };
  const userDates = { lastUsed: userLastUsed, createdAt: u.createDate };
  return [
    ...u.groups.map((g) => make('iam-group', g, 'member', userDates)),
    ...u.attachedPolicies.filter((p) => !p.arn.endsWith(QUARANTINE)).map((p) => make('iam-managed-policy', p.arn, 'attached', userDates)),
    ...u.inlinePolicies.map((name) => make('iam-inline-policy', name, 'inline', userDates)),
    ...u.accessKeys.map((k) => make('iam-access-key', k.accessKeyId, k.status, { lastUsed: k.lastUsed?.date, createdAt: k.createDate })),
    ...(u.loginProfile
      ? [
          make('iam-login-profile', 'console-password', u.loginProfile.passwordResetRequired ? 'password-reset-required' : 'password', {
            lastUsed: u.passwordLastUsed,
            createdAt: u.loginProfile.createDate ?? u.createDate,
          }),
        ]
      : []),
  ];
}

/**
 * The entitlements of an IAM listing, one per group membership (`iam-group`, resource = group
 * name, permission `member`), attached managed policy (`iam-managed-policy`, resource = the
 * policy ARN, which revocation needs; mapping rules match it by ARN or by name), inline policy
 * (`iam-inline-policy`, resource = policy name), access key (`iam-access-key`, resource = key
 * id, permission = Active/Inactive, the key's own dates) and console password
 * (`iam-login-profile`, resource `console-password`). MFA devices, SSH keys, signing
 * certificates and service credentials grant no access of their own and are left to offboarding.
 * `account` is recorded as given (an account id or alias) and must be the name the directory
 * uses, or be made equivalent through the evaluation's `awsAccountAliases`.
 */
export function normalizeAws(account: string, e: IamEntitlements): Entitlement[] {
  return e.users.flatMap((u) => userEntitlements(account, u));
}
