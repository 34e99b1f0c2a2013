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
export function watchRevocations(client: Client, identities: readonly IdentityConfig[], intervalMs = 5_000, log: (msg: string) => void = () => undefined): Revocations {
  let revoked = new Map<string, string>();
  const refresh = async (): Promise<void> => {
    const next = new Map<string, string>();
    for await (const wf of client.workflow.list({ query: `WorkflowType = 'offboardingWorkflow'` })) {
      const memo = wf.memo?.[WARDEN_ACCESS_REVOKED_MEMO] as WardenAccessRevoked | undefined;
      if (!memo?.person) continue;
      for (const i of identities) {
        if (i.id === memo.person || (!!i.email && i.email.toLowerCase() === memo.email?.toLowerCase())) next.set(i.id, memo.person);
      }
    }
    revoked = next;
  };
  const tick = () => refresh().catch((err: unknown) => log(`revocations: could not read the offboardings from Temporal: ${(err as Error).message}`));
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { revokedBy: (id) => revoked.get(id), refresh, stop: () => clearInterval(timer) };
}
