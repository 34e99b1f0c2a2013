import type { ActionDeps } from '../../catalog/types.js';
import { loadAccessPolicy, PolicyError, type AccessPolicy } from './policy/load-policy.js';
import type { ReviewSettings } from '../../contracts/review-types.js';
import type { Directory } from '../../contracts/directory.js';
import type { ReviewStore } from '../ports/review-store.js';
import { failure, FailureKind } from '../../contracts/failures.js';

/** What the review activities work with; built once by the worker. */
export interface ReviewContext {
  readonly deps: ActionDeps;
  readonly directory?: Directory;
  readonly store: ReviewStore;
  readonly settings: ReviewSettings;
  /** The access policy, loaded on first use (a worker that never reviews never reads it). */
  policy(): AccessPolicy;
}

/** The policy, read once from settings.policyDir; a broken policy fails each review activity non-retryably with every issue. */
export function lazyPolicy(dir: string): () => AccessPolicy {
  let loaded: AccessPolicy | undefined;
  return () => {
    if (loaded) return loaded;
    try {
      loaded = loadAccessPolicy(dir);
      return loaded;
    } catch (err) {
      if (err instanceof PolicyError) throw failure(FailureKind.InvalidAccessPolicy, `the access policy in ${dir} is invalid:\n${err.issues.join('\n')}`);
      throw err;
    }
  };
}
