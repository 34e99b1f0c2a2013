import type { Person } from '../../contracts/directory.js';
import type { Alert } from '../../contracts/incident.js';
import type { Caller } from '../auth/api-auth.js';
import { HttpError } from '../http-json.js';

/** Who a caller is in the directory (by identity id, else email), or undefined. */
export type PersonOfCaller = (caller: Caller) => Promise<Person | undefined>;

const same = (a: string | undefined, b: string | undefined): boolean => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** Whether an alert's principal is this person: their email, user id, an AWS user or their GitHub login. */
export function isPrincipal(person: Person, principal: Alert['principal']): boolean {
  if (!principal) return false;
  return (
    same(principal.email, person.email) ||
    same(principal.user, person.id) ||
    same(principal.user, person.email) ||
    same(principal.github_login, person.githubLogin) ||
    person.aws.some((a) => same(principal.aws_user, a.userName))
  );
}

/**
 * 403 when the caller acts on a workflow about themselves: `isSubject` says whether their person
 * (or, with no person, their identity id) is its subject. No one steers their own offboarding or
 * decides on an incident that names them.
 */
export async function refuseSelf(personOf: PersonOfCaller, caller: Caller, doing: string, isSubject: (who: { id: string; person?: Person }) => boolean | Promise<boolean>): Promise<void> {
  const person = await personOf(caller);
  if (await isSubject({ id: caller.id, ...(person ? { person } : {}) })) {
    throw new HttpError(403, `${caller.id} may not ${doing}: it is about themselves (no one acts on a workflow about themselves)`);
  }
}
