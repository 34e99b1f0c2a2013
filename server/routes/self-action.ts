import type { Person } from '../../contracts/directory.js';
import type { Caller } from '../auth/api-auth.js';
import { HttpError } from '../http-json.js';

/** Who a caller is in the directory (by identity id, else email), or undefined. */
export type PersonOfCaller = (caller: Caller) => Promise<Person | undefined>;

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
