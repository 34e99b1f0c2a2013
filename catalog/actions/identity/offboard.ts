import { z } from 'zod';
import { PERSON_ID } from '../../../contracts/directory.js';
import { defineAction } from '../../types.js';

/**
 * Starts the offboarding of a person (`offboarding-<person>`), or joins the one already running:
 * every credential revoked at every provider, the report to the manager and security, the IAM
 * users deleted after the retention period. Runs in the workflow itself, as a child workflow that
 * outlives the incident (workflows/offboarding/child.ts). Destructive: put it behind an approval.
 */
export const identityOffboard = defineAction({
  name: 'identity.offboard',
  title: 'Offboard a person',
  kind: 'workflow',
  runner: 'child-workflow',
  destructive: true,
  params: z.strictObject({
    person: z.string().regex(PERSON_ID, 'a person id from the directory (people: in warden.yaml)').describe('the person to offboard'),
    reason: z.string().min(1).max(2000).describe('why, recorded in the offboarding and its report'),
  }),
  describe: (p) => [`start (or join) the offboarding of ${p.person}: revoke every credential at AWS, GitHub and MLflow, report to the manager and security (${p.reason})`],
});
