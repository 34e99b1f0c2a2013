import type { Person } from './directory.js';
import type { Alert, IncidentState } from './incident.js';

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

/** Principals an incident remembers (IncidentState.principals); past them, only `alerts.recent` still shows who was named. */
export const MAX_PRINCIPALS = 100;

/** Adds the alert's principal to `principals` unless it is there already or the list is full. */
export function rememberPrincipal(principals: NonNullable<Alert['principal']>[], principal: Alert['principal']): void {
  if (!principal || principals.length >= MAX_PRINCIPALS) return;
  const key = (p: NonNullable<Alert['principal']>) => JSON.stringify(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));
  if (!principals.some((p) => key(p) === key(principal))) principals.push(principal);
}

/** Whether the incident names this person: any principal it remembers, or any recent alert's. No one decides, cancels or resolves an incident about themselves. */
export function namesPerson(state: Pick<IncidentState, 'alerts' | 'principals'>, person: Person): boolean {
  return [...(state.principals ?? []), ...state.alerts.recent.map((a) => a.principal)].some((p) => isPrincipal(person, p));
}
