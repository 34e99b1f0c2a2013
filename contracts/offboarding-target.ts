import type { Directory, Person } from './directory.js';

/** The person to offboard and their manager (who gets the report), as the directory knows them. */
export interface OffboardingTarget {
  readonly person: Person;
  readonly manager?: Person;
}

/** Looks the person (and their manager) up; undefined when the directory does not know them. */
export async function findOffboardingTarget(directory: Directory, personId: string): Promise<OffboardingTarget | undefined> {
  const person = await directory.findPerson(personId);
  if (!person) return undefined;
  const manager = person.manager ? await directory.findPerson(person.manager) : undefined;
  return { person, ...(manager ? { manager } : {}) };
}
