import type { ReviewSystem } from '../../contracts/review-types.js';
import { HttpError } from '../http-json.js';

/** What to set for a review system that is not configured. */
const TO_CONFIGURE: Readonly<Record<Exclude<ReviewSystem, 'synthetic'>, string>> = {
  aws: 'give Warden AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or a role; or WARDEN_AWS=on)',
  github: 'set WARDEN_GITHUB_ORG and GITHUB_TOKEN (or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID)',
};

/** 400 for a campaign over a system that is not configured, or over nothing: never a campaign that silently drops a scope. */
export function requireConfigured(scope: readonly ReviewSystem[] | undefined, configured: readonly ReviewSystem[] | undefined): void {
  if (!configured) return;
  const missing = (scope ?? []).filter((s): s is Exclude<ReviewSystem, 'synthetic'> => s !== 'synthetic' && !configured.includes(s));
  if (missing.length > 0)
    throw new HttpError(
      400,
      'invalid review request',
      missing.map((s) => ({ path: 'scope', message: `${s} is not configured: ${TO_CONFIGURE[s]}` })),
    );
  if (!scope && configured.length === 0) {
    throw new HttpError(400, 'invalid review request', [{ path: 'scope', message: `no review system is configured: for aws, ${TO_CONFIGURE.aws}; for github, ${TO_CONFIGURE.github}` }]);
  }
}
