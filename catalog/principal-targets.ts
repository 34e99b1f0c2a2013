import type { PrincipalTargets } from '../contracts/protected-principals.js';

const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The principals an action's parameters name, by the catalog's parameter names: `userName(s)`
 * of aws.* actions are IAM users and `roleName(s)` IAM roles, `login(s)` of github.* actions
 * GitHub logins, `user` of model.* actions MLflow users. Checked against the protected list
 * before a destructive action runs.
 */
export function principalTargets(action: string, params: unknown): PrincipalTargets {
  const p = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  const provider = action.split('.')[0];
  if (provider === 'aws') return { aws_users: [...strings(p.userName), ...strings(p.userNames)], aws_roles: [...strings(p.roleName), ...strings(p.roleNames)] };
  if (provider === 'github') return { github_logins: [...strings(p.login), ...strings(p.logins)] };
  if (provider === 'model') return { mlflow_users: strings(p.user) };
  return {};
}
