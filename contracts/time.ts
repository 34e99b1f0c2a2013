/**
 * The current time as an ISO-8601 string. In workflow code `Date` is Temporal's deterministic
 * clock (the time of the workflow task), so the same helper serves workflows and activities.
 */
export const nowIso = (): string => new Date().toISOString();
