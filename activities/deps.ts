import type { ActionDeps } from '../catalog/types.js';
import type { Directory } from '../contracts/directory.js';
import type { ProtectedPrincipals } from '../contracts/protected-principals.js';
import type { ReviewSettings } from '../contracts/review-types.js';
import type { AuditSetup } from './audit/index.js';
import type { ReviewStore } from './ports/review-store.js';
import type { InventoryReaders } from './ports/inventory.js';

/** Access reviews' settings (the `reviews:` section of warden.yaml) and their store. */
export interface ReviewSetup {
  readonly settings: ReviewSettings;
  readonly store: ReviewStore;
}

/**
 * What every activity is built from, in one object: each feature's factory takes it (or the
 * part it uses). Built once by the worker's edge (worker/deps.ts) or by a test.
 */
export interface WardenDeps {
  /** The provider adapters; a missing one means that provider is not configured. */
  readonly providers: ActionDeps;
  /** The directory (people: in warden.yaml), for offboardings and access reviews. */
  readonly directory?: Directory;
  /** Access reviews' settings and store; default: the default settings and .warden/reviews. */
  readonly reviews?: ReviewSetup;
  /** warden.yaml `protected:`; Warden's own identities are protected whatever this says. */
  readonly protectedPrincipals?: Partial<ProtectedPrincipals>;
  /** The audit trail's store and sealing key; absent: this worker cannot write audit batches. */
  readonly audit?: AuditSetup;
  /** The AI inventory's readers and rules; absent: every source is not configured, rules from policy/. */
  readonly inventory?: InventorySetup;
}

/** The AI inventory's setup: the discovery readers (an absent one is a source not configured) and where its rules are. */
export interface InventorySetup {
  readonly readers: InventoryReaders;
  /** policy/inventory-rules.yaml (reviews.policy_dir). */
  readonly rulesFile: string;
  /** policy/access-matrix.yaml, for the drift rule. */
  readonly matrixFile: string;
}
