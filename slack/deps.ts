import type { WebClient } from '@slack/web-api';
import type { Client } from '@temporalio/client';
import type { DecisionSigner } from '../contracts/approval-proof.js';
import type { Person } from '../contracts/directory.js';
import type { IdentityResolver, SlackProfile } from './identity.js';

/** What every listener needs: Temporal, the identity mapping and a log line sink. */
export interface SlackDeps {
  readonly temporal: Client;
  readonly identities: IdentityResolver;
  /** Signs each decision, so that the workflow knows it came through Warden. */
  readonly signer: DecisionSigner;
  /** Who an identity is in the directory: the person an incident's alerts name may not decide it. */
  readonly personOf?: (identityId: string) => Promise<Person | undefined>;
  readonly log: (msg: string) => void;
}

/** users.info reduced to what identity matching may use (needs users:read and users:read.email). */
export function slackProfileLookup(web: WebClient): (slackUserId: string) => Promise<SlackProfile | undefined> {
  return async (user) => {
    const found = (await web.users.info({ user })).user;
    if (!found) return undefined;
    return { email: found.profile?.email, emailConfirmed: found.is_email_confirmed, deleted: found.deleted, isBot: found.is_bot };
  };
}

/**
 * Tells one person something only they see: an ephemeral message in the channel the click came
 * from. Never throws; a failure is logged.
 */
export async function tellUser(web: WebClient, deps: Pick<SlackDeps, 'log'>, to: { channel?: string; user: string }, text: string): Promise<void> {
  if (!to.channel) {
    deps.log(`slack: no channel to answer ${to.user} in`);
    return;
  }
  try {
    await web.chat.postEphemeral({ channel: to.channel, user: to.user, text });
  } catch (err) {
    deps.log(`slack: chat.postEphemeral to ${to.user} in ${to.channel} failed: ${(err as Error).message}`);
  }
}
