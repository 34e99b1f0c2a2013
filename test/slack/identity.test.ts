import { describe, expect, it } from 'vitest';
import type { IdentityConfig } from '../../config/file-config.js';
import { createIdentityResolver, type IdentityMatch, type SlackProfile } from '../../slack/identity.js';

const identities: IdentityConfig[] = [
  { id: 'alice', name: 'Alice', email: 'alice@example.com', roles: ['responder'], groups: ['security-oncall'], slack_user_id: 'U0ALICE', tokens: [] },
  { id: 'dana', name: 'Dana', email: 'Dana@Example.com', roles: ['responder'], groups: ['security-oncall'], tokens: [] },
  { id: 'twin-a', email: 'shared@example.com', roles: ['responder'], groups: [], tokens: [] },
  { id: 'twin-b', email: 'shared@example.com', roles: ['responder'], groups: [], tokens: [] },
];

const reasonOf = (m: IdentityMatch): string => (m.ok ? `matched ${m.identity.id}` : m.reason);

/** A users.info stand-in that records who was asked. */
function directory(profiles: Record<string, SlackProfile>) {
  const asked: string[] = [];
  return {
    asked,
    lookup: async (user: string): Promise<SlackProfile | undefined> => {
      asked.push(user);
      return profiles[user];
    },
  };
}

describe('Slack user → Warden identity', () => {
  it('maps by slack_user_id without asking Slack, and never by a display name', async () => {
    const resolver = createIdentityResolver({ identities, matchByEmail: false });
    const d = directory({});
    expect(await resolver.resolve('U0ALICE', d.lookup)).toMatchObject({ ok: true, identity: { id: 'alice' }, by: 'slack_user_id' });
    expect(d.asked).toEqual([]);
    // A Slack user named "alice" (or with alice's display name) is not alice.
    const named = await resolver.resolve('U0IMPOSTOR', d.lookup);
    expect(named).toEqual({ ok: false, reason: 'not a Warden identity: Slack user U0IMPOSTOR maps to no identity in warden.yaml (set slack_user_id on the identity)' });
  });

  it('matches by email only when match_by_email is on, case-insensitively, for identities without a pinned Slack user', async () => {
    const d = directory({ U0DANA: { email: 'dana@example.com', emailConfirmed: true }, U0FAKEALICE: { email: 'alice@example.com', emailConfirmed: true } });
    expect((await createIdentityResolver({ identities, matchByEmail: false }).resolve('U0DANA', d.lookup)).ok).toBe(false);
    expect(d.asked).toEqual([]);

    const resolver = createIdentityResolver({ identities, matchByEmail: true });
    expect(await resolver.resolve('U0DANA', d.lookup)).toMatchObject({ ok: true, identity: { id: 'dana' }, by: 'email' });
    // alice is pinned to U0ALICE: another Slack account with her email does not become her.
    expect(reasonOf(await resolver.resolve('U0FAKEALICE', d.lookup))).toMatch(/^not a Warden identity/);
  });

  it('refuses an unconfirmed email, a deleted or bot account, an email two identities share, and a failing lookup', async () => {
    const resolver = createIdentityResolver({ identities, matchByEmail: true, log: () => undefined });
    const d = directory({
      U0UNCONF: { email: 'dana@example.com', emailConfirmed: false },
      U0GONE: { email: 'dana@example.com', deleted: true },
      U0BOT: { email: 'dana@example.com', isBot: true },
      U0TWIN: { email: 'shared@example.com' },
    });
    for (const user of ['U0UNCONF', 'U0GONE', 'U0BOT', 'U0NOPROFILE']) expect((await resolver.resolve(user, d.lookup)).ok).toBe(false);
    expect(reasonOf(await resolver.resolve('U0TWIN', d.lookup))).toContain('several identities share its email');
    const failing = await resolver.resolve('U0ERR', async () => {
      throw new Error('missing_scope');
    });
    expect(reasonOf(failing)).toContain('Slack did not tell its email');
  });
});
