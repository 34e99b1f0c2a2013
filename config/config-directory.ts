import type { Directory, Person } from '../contracts/directory.js';

/**
 * The Directory port over the people listed in warden.yaml (parsed and validated by
 * config/directory.ts). Immutable: a change to the file takes effect at the next start.
 */
export function createConfigDirectory(people: readonly Person[]): Directory {
  const byId = new Map(people.map((p) => [p.id, p]));
  return {
    findPerson: async (id) => byId.get(id),
    listPeople: async () => [...people],
  };
}
