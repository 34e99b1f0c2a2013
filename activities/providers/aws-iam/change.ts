import type { ChangeResult } from '../../ports/change.js';
import { isNotFound } from './errors.js';

/** One line of a plan: a change (with the call that makes it) or a note that something is already so. */
export type PlanEntry = { readonly line: string; readonly apply: () => Promise<unknown> } | { readonly line: string; readonly apply?: undefined };

export const note = (line: string): PlanEntry => ({ line });
export const step = (line: string, apply: () => Promise<unknown>): PlanEntry => ({ line, apply });

/**
 * Carries out a plan worked out from state just read: in order, each change once; nothing in
 * dry run. The plan reported is the same in both, so a dry run shows exactly what a real run
 * would do. After a change `after` is what `readBack` reads at the peer (the same shape as
 * `before`), never the state asked for; in dry run it is the state the plan would leave, and
 * `before` when nothing needs to change.
 */
export async function carryOut(input: {
  readonly dryRun: boolean;
  readonly entries: readonly PlanEntry[];
  readonly before: unknown;
  readonly after: unknown;
  /** Reads the state again at the peer, in the shape of `before`. */
  readonly readBack: () => Promise<unknown>;
  readonly output?: Readonly<Record<string, unknown>>;
}): Promise<ChangeResult> {
  const changes = input.entries.filter((e) => e.apply);
  if (!input.dryRun) for (const entry of changes) await entry.apply?.();
  const changed = !input.dryRun && changes.length > 0;
  return {
    changed,
    plan: input.entries.map((e) => e.line),
    before: input.before,
    after: changed ? await input.readBack() : changes.length > 0 ? input.after : input.before,
    afterFrom: changes.length > 0 && !changed ? 'plan' : 'peer',
    ...(input.output ? { output: input.output } : {}),
  };
}

/** Runs a removal, treating "already gone" (a concurrent removal between read and call) as done. */
export async function removal(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
