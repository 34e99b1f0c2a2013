import { ApplicationFailure } from '@temporalio/common';
import { findOffboardingTarget, type OffboardingTarget } from '../directory/offboarding-target.js';
import type { Directory } from '../ports/directory.js';

/** The directory lookup for offboardings started by a workflow (the identity.offboard step). */
export function createTargetActivities(directory: Directory | undefined) {
  return {
    /**
     * Resolves a person id to the person and their manager. Read-only, so safe to retry. An
     * unknown person, or no directory, is a non-retryable failure naming the fix.
     */
    async resolveOffboardingTarget(input: { personId: string }): Promise<OffboardingTarget> {
      if (!directory) throw ApplicationFailure.nonRetryable('no directory is configured: list people under people: in warden.yaml', 'DirectoryNotConfigured');
      const target = await findOffboardingTarget(directory, input.personId);
      if (!target) throw ApplicationFailure.nonRetryable(`no person "${input.personId}" in the directory: add them under people: in warden.yaml`, 'UnknownPerson');
      return target;
    },
  };
}
