import type { WorkflowHandle } from '@temporalio/client';
import { offboardingCancelUpdate, offboardingRescheduleUpdate, offboardingStateQuery, type OffboardingState } from '../../contracts/offboarding.js';
import { HttpError } from '../http-json.js';
import { steer, type RefusalWords } from '../temporal-errors.js';

/** A start request that found an offboarding of the same person running. */
export interface LaterRequest {
  readonly person: string;
  readonly by: string;
  readonly dryRun: boolean;
  /** ISO 8601; absent: now. */
  readonly effectiveAt?: string;
}

/** What became of the later request: it joined, brought the running one forward, or ended a parked dry run (start again). */
export type JoinOutcome = { readonly joined: true; readonly rescheduledTo?: string } | { readonly superseded: true };

const time = (at: string | undefined): string => at ?? 'now';

/**
 * Only an identical request joins a running offboarding (same mode, same effective time; a live
 * request for now joins a live one already under way). A live request supersedes a dry run that
 * waits for its time (offboarding.cancel, then the caller starts the live one); a live request for
 * an earlier time brings a scheduled one forward (offboarding.reschedule). Anything else is 409.
 */
export async function joinRunning(handle: WorkflowHandle, req: LaterRequest, words: RefusalWords): Promise<JoinOutcome> {
  const state: OffboardingState = await steer(handle, 'reading the running offboarding', words, (h) => h.query(offboardingStateQuery));
  const running = state.dryRun ? 'a dry run' : 'a live offboarding';
  const when = `${state.phase === 'scheduled' ? 'scheduled for' : 'effective'} ${time(state.times.effectiveAt)}`;
  const wantedMs = req.effectiveAt ? Date.parse(req.effectiveAt) : Date.now();
  if (state.dryRun === req.dryRun && state.times.effectiveAt === req.effectiveAt) return { joined: true };
  if (!state.dryRun && !req.dryRun) {
    if (state.phase !== 'scheduled' && wantedMs <= Date.now()) return { joined: true };
    if (state.phase === 'scheduled' && state.times.effectiveAt && wantedMs < Date.parse(state.times.effectiveAt)) {
      const effectiveAt = new Date(wantedMs).toISOString();
      const rescheduledTo = await steer(handle, 'bringing the offboarding forward', words, (h) => h.executeUpdate(offboardingRescheduleUpdate, { args: [{ by: req.by, effectiveAt }] }));
      return { joined: true, rescheduledTo };
    }
    throw new HttpError(409, `${running} of ${req.person} is already ${when}: a request for ${time(req.effectiveAt)} does not move it later (cancel it, then ask again)`);
  }
  if (state.dryRun && !req.dryRun) {
    if (state.phase !== 'scheduled') throw new HttpError(409, `a dry run of ${req.person} is under way (${state.phase}); it ends in moments: send the live request again then`);
    await steer(handle, 'superseding the dry run', words, (h) =>
      h.executeUpdate(offboardingCancelUpdate, { args: [{ by: req.by, reason: `superseded by a live offboarding requested by ${req.by}` }] }),
    );
    await handle.result();
    return { superseded: true };
  }
  throw new HttpError(409, `${running} of ${req.person} is already ${when}: a ${req.dryRun ? 'dry run' : 'live request'} for ${time(req.effectiveAt)} is not the same request and does not join it`);
}
