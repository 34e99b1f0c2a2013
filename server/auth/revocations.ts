import type { Client } from '@temporalio/client';
import { WARDEN_ACCESS_REVOKED_MEMO, type WardenAccessRevoked } from '../../contracts/offboarding.js';
import type { IdentityConfig } from '../../config/file-config.js';

/** Which identities an offboarding has cut off, as last read from Temporal. */
export interface Revocations {
  /** The offboarding that revoked this identity's access (its person), or undefined. */
  revokedBy(identityId: string): string | undefined;
  /** Reads Temporal again now. */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * The durable record is the memo each offboarding sets when it revokes the leaver's Warden access
 * (WARDEN_ACCESS_REVOKED_MEMO), so every server sees it, whichever worker ran the offboarding.
 * This cache lists offboardings every `intervalMs` (default 5 s) and maps each revoked person to
 * the identities that are them (same id, or same email).
 */
export function watchRevocations(
  client: Client,
  identities: readonly IdentityConfig[] | (() => readonly IdentityConfig[]),
  intervalMs = 5_000,
  log: (msg: string) => void = () => undefined,
): Revocations {
  // The memos, matched against the identities of the moment at each check: a reloaded warden.yaml
  // (server/api.ts) is never a window in which a revoked identity passes.
  let memos: WardenAccessRevoked[] = [];
  const current = typeof identities === 'function' ? identities : () => identities;
  const refresh = async (): Promise<void> => {
    const next: WardenAccessRevoked[] = [];
    for await (const wf of client.workflow.list({ query: `WorkflowType = 'offboardingWorkflow'` })) {
      const memo = wf.memo?.[WARDEN_ACCESS_REVOKED_MEMO] as WardenAccessRevoked | undefined;
      if (memo?.person) next.push(memo);
    }
    memos = next;
  };
  const revokedBy = (id: string): string | undefined => {
    const i = current().find((x) => x.id === id);
    // A console OIDC session acts as a directory person (server/console/oidc-routes.ts), in no identity list.
    if (!i) return memos.find((m) => m.person === id)?.person;
    return memos.find((m) => i.id === m.person || (!!i.email && i.email.toLowerCase() === m.email?.toLowerCase()))?.person;
  };
  const tick = () => refresh().catch((err: unknown) => log(`revocations: could not read the offboardings from Temporal: ${(err as Error).message}`));
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { revokedBy, refresh, stop: () => clearInterval(timer) };
}
