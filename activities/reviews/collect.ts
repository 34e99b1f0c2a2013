import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { evaluateEntitlements, type EvaluationContext } from './policy/evaluate.js';
import { normalizeAws } from './normalize-aws.js';
import { normalizeGitHub } from './normalize-github.js';
import { syntheticEntitlements, syntheticPeople } from './synthetic.js';
import { FINDING_KINDS, type Entitlement, type FindingKind, type ReviewSystem } from '../../contracts/review-types.js';
import type { SyntheticSpec } from '../../contracts/reviews.js';
import type { Person } from '../../contracts/directory.js';
import type { Iam } from '../ports/iam.js';
import type { ReviewContext } from './context.js';
import { failure, FailureKind } from '../../contracts/failures.js';
import type { InventorySnapshot } from '../../contracts/inventory.js';
import { flagDrift, inventoryEntitlements, inventoryForReview } from './inventory-source.js';

/** Synthetic entitlements generated per batch. */
export const SYNTHETIC_BATCH = 5_000;
/** GitHub repositories (each with its collaborators) read per batch. */
export const GITHUB_REPOS_PER_BATCH = 50;

export interface CollectInput {
  readonly campaignId: string;
  readonly system: ReviewSystem;
  /** The batch's number within its system: names the batch, so a rerun rewrites the same one. */
  readonly batch: number;
  /** Where the previous batch stopped; absent for the first. */
  readonly cursor?: string;
  /** The campaign's start: "now" for every threshold, the same on every attempt. */
  readonly asOf: string;
  readonly synthetic?: SyntheticSpec;
}

export interface CollectResult {
  readonly batchId: string;
  /** Absent when the system has nothing more. */
  readonly nextCursor?: string;
  readonly items: number;
  readonly flagged: number;
  readonly findings: Record<FindingKind, number>;
}

const accountOfArn = (arn: string): string => /^arn:aws[\w-]*:iam::(\d{12}):/.exec(arn)?.[1] ?? 'aws';

/** Where an AWS collection stands: which account (0 the default, then aws.accounts in order) and its ListUsers marker. */
interface AwsCursor {
  readonly a: number;
  readonly m?: string;
}

/**
 * One page of IAM users of one account. The default account's entitlements carry its id (from
 * the users' ARNs); another account's carry its name in aws.accounts, so the directory and
 * enforcement name it the same way. Aliases (ListAccountAliases) and the id make one account.
 */
async function readAwsBatch(r: ReviewContext, cursor: string | undefined): Promise<{ entitlements: Entitlement[]; nextCursor?: string; aliases: Record<string, string[]> }> {
  if (!r.deps.iam) throw failure(FailureKind.ProviderNotConfigured, 'AWS IAM is not configured: cannot collect its entitlements');
  const accounts: { name?: string; iam: Iam }[] = [{ iam: r.deps.iam }, ...Object.entries(r.deps.iamAccounts ?? {}).map(([name, iam]) => ({ name, iam }))];
  const at: AwsCursor = cursor === undefined ? { a: 0 } : cursor.startsWith('{') ? (JSON.parse(cursor) as AwsCursor) : { a: 0, m: cursor };
  const account = accounts[at.a];
  if (!account) throw failure(FailureKind.InvalidReviewInput, `not an AWS collection cursor: ${cursor}`);
  const page = await account.iam.listUserPage({ maxItems: r.settings.awsBatchUsers, ...(at.m ? { marker: at.m } : {}) });
  const read = page.userNames.length ? await account.iam.listEntitlements({ userNames: page.userNames }) : { users: [] };
  const byAccount = new Map<string, (typeof read.users)[number][]>();
  for (const u of read.users) {
    const name = account.name ?? accountOfArn(u.arn);
    byAccount.set(name, [...(byAccount.get(name) ?? []), u]);
  }
  const entitlements = [...byAccount].flatMap(([name, users]) => normalizeAws(name, { users }));
  // People may name the account by its id or its alias in the directory: the same account either way.
  const aliasList = await account.iam.listAccountAliases();
  const ids = [...new Set(read.users.map((u) => accountOfArn(u.arn)))];
  const aliases = Object.fromEntries([...byAccount.keys()].map((name) => [name, [...aliasList, ...ids].filter((n) => n !== name)]));
  const next: AwsCursor | undefined = page.nextMarker ? { a: at.a, m: page.nextMarker } : at.a + 1 < accounts.length ? { a: at.a + 1 } : undefined;
  return { entitlements, aliases, ...(next ? { nextCursor: JSON.stringify(next) } : {}) };
}

/** The entitlements of one batch, and where the next batch starts. */
async function readBatch(
  r: ReviewContext,
  input: CollectInput,
): Promise<{ entitlements: Entitlement[]; nextCursor?: string; people?: Person[]; aliases?: Record<string, string[]>; orgMembers?: Record<string, string[]> }> {
  switch (input.system) {
    case 'aws':
      return readAwsBatch(r, input.cursor);
    case 'github': {
      const code = r.deps.code;
      if (!code) throw failure(FailureKind.ProviderNotConfigured, 'GitHub is not configured: cannot collect its entitlements');
      // First the organization's part (members, teams, outside collaborators, invitations,
      // token grants), then the repositories a page per batch. A repository page reads the
      // members again, to tell an outside collaborator's direct access from a member's.
      if (input.cursor === undefined) {
        const org = await code.listOrgEntitlements();
        return { entitlements: normalizeGitHub({ ...org, repositories: [] }), nextCursor: 'repos:1' };
      }
      const page = Number(/^repos:(\d+)$/.exec(input.cursor)?.[1] ?? 'NaN');
      if (!Number.isInteger(page) || page < 1) throw failure(FailureKind.InvalidReviewInput, `not a GitHub collection cursor: ${input.cursor}`);
      const [members, repos] = await Promise.all([code.listMembers(), code.listRepositoryPage({ page, perPage: GITHUB_REPOS_PER_BATCH })]);
      const skeleton = { org: code.org, members: [], teams: [], outsideCollaborators: [], invitations: [], patGrants: [], unavailable: [] };
      return {
        entitlements: normalizeGitHub({ ...skeleton, repositories: repos.repositories }),
        orgMembers: { [code.org]: members.map((m) => m.login) },
        ...(repos.nextPage ? { nextCursor: `repos:${repos.nextPage}` } : {}),
      };
    }
    case 'synthetic': {
      const spec = input.synthetic;
      if (!spec) throw failure(FailureKind.InvalidReviewInput, 'a synthetic collection needs the campaign input synthetic: { entitlements, reviewers }');
      const start = Number(input.cursor ?? '0');
      const end = Math.min(spec.entitlements, start + SYNTHETIC_BATCH);
      const entitlements = syntheticEntitlements(spec, start, end, new Date(input.asOf));
      return { entitlements, people: syntheticDirectory(spec), ...(end < spec.entitlements ? { nextCursor: String(end) } : {}) };
    }
  }
}

/** The people of a synthetic organization, generated once per spec rather than once per batch. */
const syntheticCache = new Map<string, Person[]>();
function syntheticDirectory(spec: SyntheticSpec): Person[] {
  const key = JSON.stringify([spec.entitlements, spec.reviewers, spec.seed]);
  let people = syntheticCache.get(key);
  if (!people) {
    if (syntheticCache.size > 4) syntheticCache.clear();
    people = syntheticPeople(spec);
    syntheticCache.set(key, people);
  }
  return people;
}

/** Evaluation fails only on configuration (no reviewer can be found): no retry will fix that. */
function evaluate(r: ReviewContext, entitlements: Entitlement[], people: Person[], asOf: string, extra: Pick<EvaluationContext, 'awsAccountAliases' | 'orgMembers'>) {
  try {
    return evaluateEntitlements(entitlements, { policy: r.policy(), people, settings: r.settings, now: new Date(asOf), ...extra });
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    throw failure(FailureKind.ReviewConfiguration, `access review settings: ${(err as Error).message}`);
  }
}

/**
 * With a system's last batch, the latest inventory scan's entitlements of that system (as of the
 * campaign's start, so a retry adds the same ones) not already collected in this or an earlier
 * batch of the system.
 */
async function withInventory(r: ReviewContext, input: CollectInput, batchId: string, entitlements: Entitlement[], snapshot: InventorySnapshot): Promise<Entitlement[]> {
  const earlier: Entitlement[] = [];
  for (const id of (await r.store.listBatches(input.campaignId)).filter((b) => b.startsWith(`${input.system}-`) && b < batchId)) earlier.push(...(await r.store.readBatch(input.campaignId, id)));
  return [...entitlements, ...inventoryEntitlements(snapshot, input.system, [...earlier, ...entitlements])];
}

/**
 * Collects one batch of one system's entitlements, normalizes and evaluates them against the
 * access policy, assigns each to its reviewer and writes them to the review store. Returns only
 * counts: the items never enter a workflow history. Idempotent: the batch id comes from the
 * input, and the store replaces a batch written by an earlier attempt. A system's last batch also
 * carries the inventory's entitlements of that system (`withInventory`); in every batch, an item
 * whose principal breaks the access matrix by the inventory's drift rule is flagged, whether it
 * was collected from the configured source or discovered. No scan, or a synthetic campaign: as before.
 */
export function createCollectActivities(r: ReviewContext) {
  return {
    async reviewCollect(input: CollectInput): Promise<CollectResult> {
      const { entitlements: read, nextCursor, people: extra, aliases, orgMembers } = await readBatch(r, input);
      heartbeat({ read: read.length });
      const batchId = `${input.system}-${String(input.batch).padStart(6, '0')}`;
      const snapshot = input.system === 'synthetic' ? undefined : await inventoryForReview(r.deps.evidence, input.asOf);
      const entitlements = snapshot && nextCursor === undefined ? await withInventory(r, input, batchId, read, snapshot) : read;
      const people = [...((await r.directory?.listPeople()) ?? []), ...(extra ?? [])];
      const evaluated = evaluate(r, entitlements, people, input.asOf, { ...(aliases ? { awsAccountAliases: aliases } : {}), ...(orgMembers ? { orgMembers } : {}) });
      const items = snapshot ? flagDrift(evaluated, snapshot) : evaluated;
      await r.store.putBatch(input.campaignId, batchId, items);
      const findings = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
      let flagged = 0;
      for (const item of items) {
        if (item.findings.length) flagged++;
        for (const f of item.findings) findings[f.kind]++;
      }
      return { batchId, items: items.length, flagged, findings, ...(nextCursor !== undefined ? { nextCursor } : {}) };
    },
  };
}
