import { z } from 'zod';

const names = (what: string) => z.array(z.string().regex(/^[\w+=,.@*[\]-]{1,128}$/, `${what}: a name, or a pattern with * (letters, digits and + = , . @ _ - [ ])`)).default([]);

/**
 * The `protected:` section of warden.yaml: principals no playbook changes without a person's
 * approval (break-glass users, Warden's own roles, name patterns). Warden's own identities are
 * protected whatever this says (contracts/protected-principals.ts).
 */
export const protectedSchema = z.strictObject({
  aws_users: names('an IAM user name'),
  aws_roles: names('an IAM role name'),
  github_logins: names('a GitHub login'),
  mlflow_users: names('an MLflow user name'),
  /** Patterns over every kind of principal. */
  patterns: names('a name pattern'),
});
