import type { Person } from '../../../contracts/directory.js';
import type { Entitlement } from '../../../contracts/review-types.js';

/** The directory, indexed by the account names each system uses. Built once per people list. */
interface PeopleIndex {
  readonly byId: ReadonlyMap<string, Person>;
  /** Lower-cased GitHub login → person (GitHub logins are case-insensitive). */
  readonly byGithub: ReadonlyMap<string, Person>;
  /** `<account>\u0000<userName>` → person. */
  readonly byAws: ReadonlyMap<string, Person>;
}

const indexes = new WeakMap<readonly Person[], PeopleIndex>();
const aliasGroups = new WeakMap<object, ReadonlyMap<string, readonly string[]>>();

const awsKey = (account: string, userName: string): string => `${account}\u0000${userName}`;

function peopleIndex(people: readonly Person[]): PeopleIndex {
  let index = indexes.get(people);
  if (!index) {
    const byId = new Map<string, Person>();
    const byGithub = new Map<string, Person>();
    const byAws = new Map<string, Person>();
    for (const p of people) {
      byId.set(p.id, p);
      if (p.githubLogin) byGithub.set(p.githubLogin.toLowerCase(), p);
      for (const a of p.aws) byAws.set(awsKey(a.account, a.userName), p);
    }
    index = { byId, byGithub, byAws };
    indexes.set(people, index);
  }
  return index;
}

/** Every name of an account: itself and its aliases, in both directions of the alias table. */
function accountNames(account: string, aliases: Readonly<Record<string, readonly string[]>> | undefined): readonly string[] {
  if (!aliases) return [account];
  let groups = aliasGroups.get(aliases);
  if (!groups) {
    const built = new Map<string, Set<string>>();
    const link = (a: string, b: string) => {
      const set = built.get(a) ?? new Set([a]);
      set.add(b);
      built.set(a, set);
    };
    for (const [a, others] of Object.entries(aliases)) {
      for (const b of others) {
        link(a, b);
        link(b, a);
      }
    }
    groups = new Map([...built].map(([k, v]) => [k, [...v]]));
    aliasGroups.set(aliases, groups);
  }
  return groups.get(account) ?? [account];
}

/**
 * The directory person holding an entitlement's subject, or undefined (orphaned):
 * - aws: the person listing IAM user `subject` in the entitlement's account, by the account
 *   name the entitlement carries or any of its aliases (`awsAccountAliases`: account id ↔ alias);
 * - github: the person whose github_login is the subject, case-insensitively;
 * - synthetic: the person whose id is the subject.
 */
export function resolvePerson(e: Pick<Entitlement, 'system' | 'account' | 'subject'>, people: readonly Person[], awsAccountAliases?: Readonly<Record<string, readonly string[]>>): Person | undefined {
  const index = peopleIndex(people);
  switch (e.system) {
    case 'aws':
      for (const name of accountNames(e.account, awsAccountAliases)) {
        const p = index.byAws.get(awsKey(name, e.subject));
        if (p) return p;
      }
      return undefined;
    case 'github':
      return index.byGithub.get(e.subject.toLowerCase());
    case 'synthetic':
      return index.byId.get(e.subject);
  }
}
