import type { ChangeResult } from '../../ports/change.js';
import type { GitHubClient } from './github-client.js';
import { failure, FailureKind } from '../../../contracts/failures.js';

/** What every operation works with: the client and the one organization Warden governs. */
export interface GitHubContext {
  readonly octokit: GitHubClient;
  readonly org: string;
}

/** What the credentials need, named in a 403 when GitHub's headers do not say. */
export const NEEDS = {
  readOrg: 'the read:org scope (GitHub App: members=read)',
  adminOrg: 'the admin:org scope as an organization owner (GitHub App: members=write)',
  patGrants: 'a GitHub App installation with organization_personal_access_tokens=write (tokens may not use this endpoint)',
  sso: 'the admin:org scope as an owner of an organization on GitHub Enterprise Cloud with SAML single sign-on',
  repoAdmin: 'the repo scope with admin rights on the repository (GitHub App: administration=write)',
} as const;

/** GitHub logins are case-insensitive. */
export const sameLogin = (a: string | null | undefined, b: string): boolean => !!a && a.toLowerCase() === b.toLowerCase();

/** Nothing to do: the world is already as asked (the state read is the state after). */
export const unchanged = (state: unknown): ChangeResult => ({ changed: false, plan: [], before: state, after: state, afterFrom: 'peer' });

/** One planned removal; `apply` yields undefined when the thing was already gone (404). */
export interface PlannedStep {
  readonly line: string;
  readonly apply: () => Promise<unknown>;
}

/**
 * Carries out planned steps in order, unless dry run. Returns whether anything was acted on: a
 * step whose target vanished in between (someone else removed it) is not counted as a change.
 */
export async function carryOut(steps: readonly PlannedStep[], dryRun: boolean): Promise<boolean> {
  if (dryRun) return false;
  let changed = false;
  for (const step of steps) {
    if ((await step.apply()) !== undefined) changed = true;
  }
  return changed;
}

/**
 * Carries out the steps (unless dry run) and reports them with the state read before and the
 * state `readBack` reads at GitHub afterwards, never the state asked for. A dry run reads nothing
 * more: its `after` is `before`, shown as observed only when there is nothing to change.
 */
export async function changeReadBack(input: {
  readonly steps: readonly PlannedStep[];
  readonly dryRun: boolean;
  readonly before: unknown;
  readonly readBack: () => Promise<unknown>;
  readonly output?: Readonly<Record<string, unknown>>;
}): Promise<ChangeResult> {
  const changed = await carryOut(input.steps, input.dryRun);
  const plan = input.steps.map((s) => s.line);
  const output = input.output ? { output: input.output } : {};
  if (input.dryRun) return { changed, plan, before: input.before, after: input.before, afterFrom: input.steps.length ? 'plan' : 'peer', ...output };
  return { changed, plan, before: input.before, after: await input.readBack(), afterFrom: 'peer', ...output };
}

/** Splits `owner/name`; the catalog has validated the shape already. */
export function splitRepo(repo: string): { owner: string; repo: string } {
  const [owner = '', name = ''] = repo.split('/');
  if (!owner || !name) throw failure(FailureKind.InvalidParameters, `repo must be owner/name, got "${repo}"`);
  return { owner, repo: name };
}
