import { findOffboardingTarget, type OffboardingTarget } from '../../contracts/offboarding-target.js';
import type { Directory } from '../../contracts/directory.js';
import { failure, FailureKind } from '../../contracts/failures.js';

/** The directory lookups of offboardings: the target of an identity.offboard step, and the manager's Slack id. */
export function createTargetActivities(directory: Directory | undefined) {
  return {
    /**
     * Resolves a person id to the person and their manager. Read-only, so safe to retry. An
     * unknown person, or no directory, is a non-retryable failure naming the fix.
     */
    async resolveOffboardingTarget(input: { personId: string }): Promise<OffboardingTarget> {
      if (!directory) throw failure(FailureKind.DirectoryNotConfigured, 'no directory is configured: list people under people: in warden.yaml');
      const target = await findOffboardingTarget(directory, input.personId);
      if (!target) throw failure(FailureKind.UnknownPerson, `no person "${input.personId}" in the directory: add them under people: in warden.yaml`);
      return target;
    },
    /**
     * The Slack user id the directory has for a person (the manager, for the report's direct
     * message); none when there is no directory, no such person or no id. Read-only.
     */
    async findSlackUserId(input: { personId: string }): Promise<{ slackUserId?: string }> {
      const person = await directory?.findPerson(input.personId);
      return person?.slackUserId ? { slackUserId: person.slackUserId } : {};
    },
  };
}
