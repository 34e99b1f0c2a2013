import type { IdentityConfig } from '../config/file-config.js';

/** What Slack says about a user when asked (users.info), reduced to what matching may use. */
export interface SlackProfile {
  readonly email?: string;
  /** False when the workspace has not confirmed the address: such an email never matches. */
  readonly emailConfirmed?: boolean;
  readonly deleted?: boolean;
  readonly isBot?: boolean;
}

export type IdentityMatch = { readonly ok: true; readonly identity: IdentityConfig; readonly by: 'slack_user_id' | 'email' } | { readonly ok: false; readonly reason: string };

export interface IdentityResolver {
  /**
   * The Warden identity behind a Slack user id. `profile` is asked only when matching by email
   * is on and no identity names the user id; a failing lookup counts as no match.
   */
  resolve(slackUserId: string, profile: (slackUserId: string) => Promise<SlackProfile | undefined>): Promise<IdentityMatch>;
}

const notWarden = (slackUserId: string, hint: string): IdentityMatch => ({
  ok: false,
  reason: `not a Warden identity: Slack user ${slackUserId} maps to no identity in warden.yaml (${hint})`,
});

/**
 * Maps Slack users to configured identities: by `slack_user_id` first; by the email Slack
 * reports only when `slack.match_by_email` is on, only for identities that pin no Slack user id,
 * only for a confirmed address of a live human account, and only when exactly one identity has
 * it. Never by display name, which anyone can change.
 */
export function createIdentityResolver(opts: {
  identities: readonly IdentityConfig[];
  matchByEmail: boolean;
  log?: (msg: string) => void;
  /** The offboarding that revoked an identity's Warden access, if one did. */
  revokedBy?: (identityId: string) => string | undefined;
}): IdentityResolver {
  const byUserId = new Map<string, IdentityConfig>();
  for (const identity of opts.identities) if (identity.slack_user_id) byUserId.set(identity.slack_user_id, identity);
  const emailCandidates = opts.identities.filter((i) => !i.slack_user_id && i.email);
  const hint = opts.matchByEmail ? 'set its slack_user_id, or give it the email Slack has for this user' : 'set slack_user_id on the identity';
  const unlessRevoked = (found: IdentityMatch): IdentityMatch => {
    if (!found.ok) return found;
    const by = opts.revokedBy?.(found.identity.id);
    return by ? { ok: false, reason: `revoked: the Warden access of ${found.identity.id} was revoked by offboarding-${by}` } : found;
  };
  return {
    resolve: async (slackUserId, profile) => unlessRevoked(await match(slackUserId, profile)),
  };

  async function match(slackUserId: string, profile: (slackUserId: string) => Promise<SlackProfile | undefined>): Promise<IdentityMatch> {
    const pinned = byUserId.get(slackUserId);
    if (pinned) return { ok: true, identity: pinned, by: 'slack_user_id' };
    if (!opts.matchByEmail || emailCandidates.length === 0) return notWarden(slackUserId, hint);
    let found: SlackProfile | undefined;
    try {
      found = await profile(slackUserId);
    } catch (err) {
      opts.log?.(`slack: users.info for ${slackUserId} failed: ${(err as Error).message}`);
      return notWarden(slackUserId, `${hint}; Slack did not tell its email`);
    }
    const email = found?.email?.trim().toLowerCase();
    if (!email || found?.deleted || found?.isBot || found?.emailConfirmed === false) return notWarden(slackUserId, hint);
    const matches = emailCandidates.filter((i) => i.email?.toLowerCase() === email);
    if (matches.length === 1) return { ok: true, identity: matches[0]!, by: 'email' };
    if (matches.length > 1) return notWarden(slackUserId, `several identities share its email; ${hint}`);
    return notWarden(slackUserId, hint);
  }
}
