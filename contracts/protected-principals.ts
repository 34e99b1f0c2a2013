/**
 * Protected principals: identities no playbook changes without a person's approval (break-glass
 * users, Warden's own user and roles, name patterns). warden.yaml `protected:` adds to the
 * built-in list; nothing removes from it. Pure: the runAction activity checks a step's targets.
 */

/** The principals of one kind a destructive action aims at, by name. */
export interface PrincipalTargets {
  readonly aws_users?: readonly string[];
  readonly aws_roles?: readonly string[];
  readonly github_logins?: readonly string[];
  readonly mlflow_users?: readonly string[];
}

export type PrincipalKind = keyof PrincipalTargets;

/** Names or `*` glob patterns per kind; `patterns` apply to every kind. */
export interface ProtectedPrincipals {
  readonly aws_users: readonly string[];
  readonly aws_roles: readonly string[];
  readonly github_logins: readonly string[];
  readonly mlflow_users: readonly string[];
  readonly patterns: readonly string[];
}

/** Warden's own identities, always protected: a playbook must not lock Warden out of containment. */
export const BUILT_IN_PROTECTED: ProtectedPrincipals = {
  aws_users: ['warden', 'warden-*', 'Warden*'],
  aws_roles: ['warden', 'warden-*', 'Warden*'],
  github_logins: ['warden', 'warden-*', 'warden[bot]'],
  mlflow_users: ['warden', 'warden-*'],
  patterns: [],
};

/** The built-in list plus the configured one. */
export function withBuiltIns(configured: Partial<ProtectedPrincipals> | undefined): ProtectedPrincipals {
  const merge = (k: keyof ProtectedPrincipals): string[] => [...new Set([...BUILT_IN_PROTECTED[k], ...(configured?.[k] ?? [])])];
  return { aws_users: merge('aws_users'), aws_roles: merge('aws_roles'), github_logins: merge('github_logins'), mlflow_users: merge('mlflow_users'), patterns: merge('patterns') };
}

/** A `*` glob (the only wildcard), case-insensitive as IAM names are; linear: no regular expression. */
export function globMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  const parts = p.split('*');
  if (parts.length === 1) return p === n;
  const first = parts[0]!;
  const last = parts.at(-1)!;
  if (!n.startsWith(first) || n.length < first.length + last.length || !n.endsWith(last)) return false;
  let pos = first.length;
  const end = n.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const at = n.indexOf(middle, pos);
    if (at < 0 || at + middle.length > end) return false;
    pos = at + middle.length;
  }
  return true;
}

/** The first protected target and the rule that protects it, or undefined. */
export function protectedTarget(targets: PrincipalTargets, rules: ProtectedPrincipals): { kind: PrincipalKind; name: string; rule: string } | undefined {
  for (const kind of Object.keys(targets) as PrincipalKind[]) {
    for (const name of targets[kind] ?? []) {
      const own = rules[kind].find((p) => globMatches(p, name));
      if (own !== undefined) return { kind, name, rule: `protected.${kind}: ${own}` };
      const any = rules.patterns.find((p) => globMatches(p, name));
      if (any !== undefined) return { kind, name, rule: `protected.patterns: ${any}` };
    }
  }
  return undefined;
}
