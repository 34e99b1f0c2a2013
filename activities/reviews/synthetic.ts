import type { Person } from '../../contracts/directory.js';
import { entitlementId } from './policy/entitlement-id.js';
import type { AccessLevel, AssetId, Entitlement } from '../../contracts/review-types.js';

/**
 * A deterministic synthetic organization for tests and benchmarks (the `synthetic` provider):
 * `reviewers` managers, and subjects holding about 100 entitlements each, every one a
 * `synthetic-grant` on a resource `<asset>/<name>` with permission read, write, admin or execute
 * (policy/entitlement-map.yaml maps them to asset levels). Most grants stay within the subject's
 * role; a few subjects are over-privileged (Admin on production models now and then) and a few
 * are orphaned (no person). Everything derives from (seed, index), so any range of entitlements
 * can be generated on its own, in O(range) time and memory, by any worker.
 */
export interface SyntheticOrgSpec {
  readonly entitlements: number;
  readonly reviewers: number;
  readonly seed?: number;
}

export const SYNTHETIC_ACCOUNT = 'synthetic-org';
const PER_SUBJECT = 100;
const DAY_MS = 86_400_000;
/** Resource names per asset: more than any subject's entitlement count, so a subject's resources never repeat. */
const RESOURCE_POOL = 1000;

/**
 * Every 50th subject from the 2nd, ten at most, has no person (orphans go to the fallback
 * reviewers, so they stay few); every 20th from the 3rd is over-privileged.
 */
export const isOrphanSubject = (s: number): boolean => s % 50 === 1 && s < 500;
export const isOverPrivilegedSubject = (s: number): boolean => s % 20 === 2;

/** The seed's matrix, as the generator draws within it (it must agree with policy/access-matrix.yaml). */
const ROLES: readonly { id: string; weight: number; access: Partial<Record<AssetId, AccessLevel>> }[] = [
  { id: 'data-scientist', weight: 30, access: { training_data: 'Read/Write', model_code: 'Read/Write', production_models: 'Read' } },
  { id: 'ml-engineer', weight: 30, access: { training_data: 'Read', model_code: 'Read/Write', production_models: 'Read/Write', inference_api: 'Read' } },
  { id: 'mlops', weight: 15, access: { model_code: 'Read', production_models: 'Read/Write', inference_api: 'Admin' } },
  { id: 'application-developer', weight: 15, access: { inference_api: 'Read' } },
  { id: 'end-user', weight: 10, access: { inference_api: 'Execute' } },
];
const TOTAL_WEIGHT = ROLES.reduce((n, r) => n + r.weight, 0);

const RESOURCES: Readonly<Record<AssetId, { prefix: string; noun: string }>> = {
  training_data: { prefix: 'training-data', noun: 'dataset' },
  model_code: { prefix: 'model-code', noun: 'repo' },
  production_models: { prefix: 'production-models', noun: 'model' },
  inference_api: { prefix: 'inference-api', noun: 'endpoint' },
};

/** The synthetic permissions within a level (the mapping turns each back into a level at or below it). */
const PERMISSIONS: Readonly<Record<AccessLevel, readonly string[]>> = {
  None: [],
  Read: ['read'],
  Execute: ['execute'],
  'Read/Write': ['read', 'write'],
  Admin: ['read', 'write', 'admin'],
};

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A well-mixed 32-bit seed from the org's seed, an index and a stream salt. */
const hash = (seed: number, index: number, salt: number): number => fmix32(fmix32(seed ^ Math.imul(index, 0xcc9e2d51)) ^ Math.imul(salt, 0x1b873593));

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
function mulberry32(a: number): () => number {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export const syntheticSubjectId = (s: number): string => `user-${pad(s, 6)}`;
export const syntheticReviewerId = (r: number): string => `mgr-${pad(r, 5)}`;

/**
 * ISO-8601 at whole seconds, as Date#toISOString writes it, with each day's date formatted once:
 * a million entitlements need only a few hundred distinct days.
 */
function isoFormatter(): (ms: number) => string {
  const days = new Map<number, string>();
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    let date = days.get(day);
    if (date === undefined) {
      date = new Date(day * DAY_MS).toISOString().slice(0, 11);
      days.set(day, date);
    }
    const secs = Math.floor((ms - day * DAY_MS) / 1000);
    return `${date}${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)}.000Z`;
  };
}

function check(spec: SyntheticOrgSpec): { n: number; r: number; seed: number } {
  const n = spec.entitlements;
  const r = spec.reviewers;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`synthetic entitlements must be a whole number ≥ 0, got ${n}`);
  if (!Number.isInteger(r) || r < 1) throw new RangeError(`synthetic reviewers must be a whole number ≥ 1, got ${r}`);
  return { n, r, seed: (spec.seed ?? 1) >>> 0 };
}

/** How many subjects hold the entitlements: about 100 each, at least one per reviewer, at most one per entitlement. */
export function syntheticSubjectCount(spec: SyntheticOrgSpec): number {
  const { n, r } = check(spec);
  return Math.min(n, Math.max(r, Math.ceil(n / PER_SUBJECT)));
}

function subjectRole(seed: number, s: number): (typeof ROLES)[number] {
  let x = mulberry32(hash(seed, s, 1))() * TOTAL_WEIGHT;
  for (const role of ROLES) {
    x -= role.weight;
    if (x < 0) return role;
  }
  return ROLES[ROLES.length - 1] as (typeof ROLES)[number];
}

/**
 * The directory of the synthetic organization: the reviewers (managers `mgr-NNNNN`, each reporting
 * to `mgr-⌊(r-1)/10⌋`, the first to nobody) and every subject that is not orphaned (`user-NNNNNN`,
 * managed by `mgr-<s mod reviewers>`, holding one matrix role). Nobody has a Slack id: digests go
 * by email.
 */
export function syntheticPeople(spec: SyntheticOrgSpec): Person[] {
  const { r, seed } = check(spec);
  const people: Person[] = [];
  for (let i = 0; i < r; i++) {
    const id = syntheticReviewerId(i);
    people.push({
      id,
      name: `Manager ${i}`,
      email: `${id}@synthetic.example`,
      ...(i > 0 ? { manager: syntheticReviewerId(Math.floor((i - 1) / 10)) } : {}),
      aws: [],
      groups: ['reviewers'],
      roles: [],
    });
  }
  const subjects = syntheticSubjectCount(spec);
  for (let s = 0; s < subjects; s++) {
    if (isOrphanSubject(s)) continue;
    const id = syntheticSubjectId(s);
    people.push({ id, name: `User ${s}`, email: `${id}@synthetic.example`, manager: syntheticReviewerId(s % r), aws: [], groups: [], roles: [subjectRole(seed, s).id] });
  }
  return people;
}

/**
 * Entitlements [start, end) of the synthetic organization (clamped to [0, spec.entitlements)).
 * Pure: the same spec, range and `now` give the same entitlements, and consecutive ranges
 * concatenate to the whole. Dates spread relative to `now`: created 30 to 900 days before; last
 * used within 60 days (80%), 91 to 400 days before (10%, clamped to the creation), or never (10%).
 */
export function syntheticEntitlements(spec: SyntheticOrgSpec, start: number, end: number, now: Date | string): Entitlement[] {
  const { n, seed } = check(spec);
  const subjects = syntheticSubjectCount(spec);
  const nowMs = new Date(now).getTime();
  if (Number.isNaN(nowMs)) throw new RangeError(`synthetic now is not a time: ${String(now)}`);
  const iso = isoFormatter();
  const out: Entitlement[] = [];
  for (let i = Math.max(0, start); i < Math.min(n, end); i++) {
    const s = Math.floor((i * subjects) / n);
    const k = i - Math.ceil((s * n) / subjects);
    const role = subjectRole(seed, s);
    const rng = mulberry32(hash(seed, i, 2));
    let asset: AssetId;
    let permission: string;
    if (isOverPrivilegedSubject(s) && k % 25 === 0) {
      asset = 'production_models';
      permission = 'admin';
    } else {
      const held = Object.entries(role.access) as [AssetId, AccessLevel][];
      const [a, level] = pick(rng, held);
      asset = a;
      permission = pick(rng, a === 'inference_api' && level === 'Admin' ? ['read', 'execute', 'write', 'admin'] : PERMISSIONS[level]);
    }
    const { prefix, noun } = RESOURCES[asset];
    const createdMs = nowMs - (30 + rng() * 870) * DAY_MS;
    const use = rng();
    const usedMs = use < 0.8 ? nowMs - rng() * 60 * DAY_MS : use < 0.9 ? nowMs - (91 + rng() * 309) * DAY_MS : undefined;
    const subject = syntheticSubjectId(s);
    const resource = `${prefix}/${noun}-${pad((s * 37 + k) % RESOURCE_POOL, 4)}`;
    const id = entitlementId({ system: 'synthetic', account: SYNTHETIC_ACCOUNT, subject, kind: 'synthetic-grant', resource });
    const createdAt = iso(createdMs);
    out.push(
      usedMs === undefined
        ? { id, system: 'synthetic', account: SYNTHETIC_ACCOUNT, subject, kind: 'synthetic-grant', resource, permission, createdAt, grantedVia: 'direct' }
        : { id, system: 'synthetic', account: SYNTHETIC_ACCOUNT, subject, kind: 'synthetic-grant', resource, permission, lastUsed: iso(Math.max(usedMs, createdMs)), createdAt, grantedVia: 'direct' },
    );
  }
  return out;
}
