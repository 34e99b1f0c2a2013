import type { Directory, Person } from '../contracts/directory.js';
import type { IdentityConfig } from './file-config.js';

/**
 * Who a Warden identity is in the directory: the person whose id is the identity's id, else the
 * one person whose email is the identity's email (case-insensitive; several such people match
 * none). The API and the Slack app both ask it, so that a person is the same person on each path.
 */
export function createPersonOfIdentity(directory: Directory, identities: readonly IdentityConfig[]): (identityId: string) => Promise<Person | undefined> {
  const emailOf = new Map(identities.flatMap((i) => (i.email ? [[i.id, i.email.toLowerCase()] as const] : [])));
  return async (identityId) => {
    const byId = await directory.findPerson(identityId);
    if (byId) return byId;
    const email = emailOf.get(identityId);
    return email ? personWithEmail(directory, email) : undefined;
  };
}

/** The one person whose email is `email` (case-insensitive), or undefined when none or several are. */
export async function personWithEmail(directory: Directory, email: string): Promise<Person | undefined> {
  const wanted = email.toLowerCase();
  const matches = (await directory.listPeople()).filter((p) => p.email.toLowerCase() === wanted);
  return matches.length === 1 ? matches[0] : undefined;
}
