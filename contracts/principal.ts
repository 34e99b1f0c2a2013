import type { Person } from './directory.js';
import type { Alert } from './incident.js';

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

/** Whether any of the incident's alerts names this person: no one decides, cancels or resolves an incident about themselves. */
export function namesPerson(alerts: readonly Pick<Alert, 'principal'>[], person: Person): boolean {
  return alerts.some((a) => isPrincipal(person, a.principal));
}
