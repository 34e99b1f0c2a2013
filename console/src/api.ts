import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/schema';

/** The API, typed from server/openapi.json (openapi-typescript), on the same origin, with the session cookie. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });

let csrf = '';
/** The session's CSRF token (GET /console/session): every change carries it in X-CSRF-Token. */
export const setCsrf = (token: string): void => {
  csrf = token;
};
const withCsrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('x-csrf-token', csrf);
    return request;
  },
};
api.use(withCsrf);

export type Session = components['schemas']['ConsoleSession'];
export type IncidentSummary = components['schemas']['IncidentSummary'];
export type IncidentState = components['schemas']['IncidentState'];
export type StepState = components['schemas']['StepState'];
export type ReviewerState = components['schemas']['ReviewerState'];
export type CampaignState = components['schemas']['CampaignState'];
export type Approval = paths['/v1/approvals']['get']['responses'][200]['content']['application/json']['approvals'][number];

/** The error text of a failed call: the API's `error`, and each field at fault. */
export function errorText(error: unknown, status?: number): string {
  const e = error as { error?: string; details?: { path: string; message: string }[] } | undefined;
  const details = (e?.details ?? []).map((d) => `${d.path || 'body'}: ${d.message}`).join('; ');
  return `${status ? `${status} ` : ''}${e?.error ?? 'request failed'}${details ? ` (${details})` : ''}`;
}

/** Whether the session may make changes (responder or admin); a viewer reads only. */
export const mayChange = (s: Session): boolean => s.roles.includes('responder') || s.roles.includes('admin');
