/**
 * The generic alert as posted to `POST /v1/alerts`, and the limits every adapter fits its
 * output into. Validation errors name the field (dotted path) and what is wrong with it.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SEVERITIES } from '../../engine/playbook-types.js';
import type { Alert } from '../../contracts/incident.js';

/** The limits of the generic alert; adapters clip foreign data to these. */
export const ALERT_LIMITS = {
  typeMax: 128,
  titleMax: 500,
  sourceMax: 128,
  fingerprintMax: 256,
  labelsMax: 50,
  labelValueMax: 256,
  fieldMax: 256,
  uriMax: 2048,
  detailsMaxBytes: 64 * 1024,
  /** How far `observed_at` may lie ahead of our clock (sender clock skew). */
  futureSkewMs: 5 * 60_000,
} as const;

/** What an alert `type` may look like: dotted names, also `:` and `/` (GuardDuty finding types). */
export const TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
/** What a label key may look like (Prometheus label names fit). */
export const LABEL_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/;
/** A long-term (AKIA) or temporary (ASIA) AWS access key id. */
export const AWS_ACCESS_KEY_ID_PATTERN = /^(AKIA|ASIA)[A-Z0-9]{16}$/;

/** One validation problem: a dotted path (`principal.email`, `labels.team`; '' for the body) and a message. */
export interface IssueDetail {
  readonly path: string;
  readonly message: string;
}

const CONTROL_MESSAGE = 'must not contain control characters';

/**
 * True for U+0000–U+001F (except tab, newline, carriage return), U+007F, and the bidirectional
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make text read other than it is.
 */
export function hasControlCharacters(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
  }
  return false;
}

const MARKUP_MESSAGE = 'must not contain Slack or HTML markup (<!…>, <@…>, <#…>, <http…|…>, <tag>)';
const TEMPLATE_MESSAGE = 'must not contain template markers {{ or }}';

/**
 * Alert text ends up in Slack messages, emails and the Web UI: refuse what would be read as
 * markup there (Slack mentions, broadcasts and links; HTML tags) and template markers, which
 * have no business in an alert. A bare "<" followed by a space or digit ("p99 < 5s") is fine.
 */
export function hasMarkup(s: string): boolean {
  return /<[!@#/A-Za-z]/.test(s);
}
export const hasTemplateMarkers = (s: string): boolean => s.includes('{{') || s.includes('}}');

/**
 * Foreign text made fit for a field: control characters become spaces and the text is cut to
 * `max` UTF-16 units (ending with "…" when cut, never splitting a surrogate pair).
 */
export function fitText(s: string, max: number): string {
  let clean = '';
  for (const ch of s) clean += hasControlCharacters(ch) ? ' ' : ch;
  // Neutralize markup and template markers rather than refuse a whole foreign payload for them.
  clean = clean.replace(/</g, '‹').replace(/\{\{/g, '{ {').replace(/\}\}/g, '} }');
  if (clean.length <= max) return clean;
  let end = max - 1;
  const last = clean.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${clean.slice(0, end)}…`;
}

/** A foreign name made a valid alert `type`: other characters become `_`, cut to 128. */
export function fitType(raw: string): string {
  const safe = raw.replace(/[^A-Za-z0-9._:/-]/g, '_').slice(0, ALERT_LIMITS.typeMax);
  return /^[A-Za-z0-9]/.test(safe) ? safe : `x${safe.slice(0, ALERT_LIMITS.typeMax - 1)}`;
}

/**
 * A foreign label name made a valid label key. Names that already fit stay as they are; others
 * (UTF-8 names, allowed by Prometheus and Alertmanager since 0.28) are escaped the way
 * Prometheus' `values` escaping scheme does: the prefix `U__`, `_` doubled, and each other
 * character outside A-Z a-z 0-9 . - written as `_<hex code point>_`. Escaped names longer than a
 * key may be are cut and end in a hash of the original, so two names never share a key.
 */
export function escapeLabelKey(name: string): string {
  if (LABEL_KEY_PATTERN.test(name)) return name;
  let escaped = 'U__';
  for (const ch of name) escaped += /[A-Za-z0-9.-]/.test(ch) ? ch : ch === '_' ? '__' : `_${ch.codePointAt(0)!.toString(16)}_`;
  if (escaped.length <= 63) return escaped;
  return `${escaped.slice(0, 50)}_${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

/**
 * Foreign labels made valid alert labels: names are escaped when needed (`escapeLabelKey`),
 * values are fitted, and at most 50 are kept (in key order). `escaped` maps each escaped key to
 * the sender's name, so nothing is dropped without a trace.
 */
export function fitLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return fitLabelsWithNames(labels).labels;
}

export function fitLabelsWithNames(labels: Readonly<Record<string, string>>): { labels: Record<string, string>; escaped: Record<string, string> } {
  const escaped: Record<string, string> = {};
  const entries = Object.entries(labels)
    .map(([name, value]): [string, string] => {
      const key = escapeLabelKey(name);
      if (key !== name) escaped[key] = name;
      return [key, fitText(value, ALERT_LIMITS.labelValueMax)];
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, ALERT_LIMITS.labelsMax);
  return { labels: Object.fromEntries(entries), escaped };
}

const text = (min: number, max: number) =>
  z
    .string()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !hasControlCharacters(s), CONTROL_MESSAGE)
    .refine((s) => !hasTemplateMarkers(s), TEMPLATE_MESSAGE)
    .refine((s) => !hasMarkup(s), MARKUP_MESSAGE);

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * The schema of the generic alert. `now` is read at parse time for the `observed_at` check, so
 * one schema serves any clock.
 */
export function alertSchema(now: () => Date = () => new Date()) {
  const { futureSkewMs, detailsMaxBytes } = ALERT_LIMITS;
  return z.strictObject({
    type: z
      .string()
      .regex(TYPE_PATTERN, 'must start with a letter or digit and have at most 128 characters of A-Z a-z 0-9 . _ : / -')
      .refine((s) => !hasControlCharacters(s), CONTROL_MESSAGE),
    severity: z.enum(SEVERITIES),
    title: text(1, ALERT_LIMITS.titleMax),
    source: text(1, ALERT_LIMITS.sourceMax),
    observed_at: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T12:00:00Z' })
      // Piped, so the clock is consulted only for a well-formed date-time.
      .pipe(z.string().refine((v) => Date.parse(v) <= now().getTime() + futureSkewMs, 'must not be more than 5 minutes in the future'))
      .optional(),
    fingerprint: text(1, ALERT_LIMITS.fingerprintMax).optional(),
    resource: z
      .strictObject({
        kind: text(1, 64),
        name: text(1, ALERT_LIMITS.fieldMax),
        version: text(1, 128).optional(),
        uri: text(1, ALERT_LIMITS.uriMax).optional(),
      })
      .optional(),
    principal: z
      .strictObject({
        user: text(1, ALERT_LIMITS.fieldMax).optional(),
        email: z.email('must be a valid email address').optional(),
        aws_user: text(1, ALERT_LIMITS.fieldMax).optional(),
        aws_access_key_id: z.string().regex(AWS_ACCESS_KEY_ID_PATTERN, 'must be an AWS access key id (AKIA… or ASIA…, 20 characters)').optional(),
        aws_role: text(1, ALERT_LIMITS.fieldMax).optional(),
        github_login: text(1, ALERT_LIMITS.fieldMax).optional(),
        ip: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
      })
      .optional(),
    labels: z
      .record(
        z
          .string()
          .refine((k) => !hasControlCharacters(k), CONTROL_MESSAGE)
          .regex(LABEL_KEY_PATTERN, 'label keys start with a letter or _ and have at most 63 characters of A-Z a-z 0-9 _ . -'),
        text(0, ALERT_LIMITS.labelValueMax),
      )
      .refine((r) => Object.keys(r).length <= ALERT_LIMITS.labelsMax, `must have at most ${ALERT_LIMITS.labelsMax} labels`)
      .optional(),
    status: z.enum(['firing', 'resolved']).optional(),
    resolved_at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T12:00:00Z' }).optional(),
    resolved_by: text(1, ALERT_LIMITS.fieldMax).optional(),
    details: z
      .record(z.string(), z.json())
      .refine((d) => jsonBytes(d) <= detailsMaxBytes, `must be at most ${detailsMaxBytes / 1024} KiB as JSON`)
      .optional(),
  });
}

const article = (noun: string): string => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

/** Parse-time messages for the generic cases (missing field, wrong type, not one of). */
const friendlyError = (issue: z.core.$ZodRawIssue): string | undefined => {
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_type') {
    const expected = issue.expected === 'record' ? 'object' : issue.expected;
    return `must be ${article(expected)}`;
  }
  if (issue.code === 'invalid_value') return `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return undefined;
};

const dotted = (path: readonly PropertyKey[]): string => path.map((p) => String(p)).join('.');

/** Zod issues as `{ path, message }`: one entry per unknown field, key problems at the key. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): IssueDetail[] {
  return issues.flatMap((issue): IssueDetail[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: dotted([...issue.path, key]), message: 'is not a known field' }));
    }
    if (issue.code === 'invalid_key') return issue.issues.map((inner) => ({ path: dotted(issue.path), message: inner.message }));
    return [{ path: dotted(issue.path), message: issue.message }];
  });
}

/** Parses `body` with `schema`, giving either the value or the problems as `{ path, message }`. */
export function checkShape<T>(schema: z.ZodType<T>, body: unknown): { ok: true; value: T } | { ok: false; details: IssueDetail[] } {
  const result = schema.safeParse(body, { error: friendlyError });
  return result.success ? { ok: true, value: result.data } : { ok: false, details: formatIssues(result.error.issues) };
}

/** The alert, or every problem found in the body. */
export type ParseAlertResult = { ok: true; alert: Alert } | { ok: false; details: IssueDetail[] };

const defaultSchema = alertSchema();

/**
 * Validates a generic alert body. Unknown fields are errors; absent optional fields stay absent.
 * `now` (default: the clock) bounds `observed_at`. `received_at`, `alert_id`, `correlation` and
 * `routing` are not accepted: Warden sets them.
 */
export function parseAlert(body: unknown, now?: Date): ParseAlertResult {
  const checked = checkShape(now ? alertSchema(() => now) : defaultSchema, body);
  if (!checked.ok) return { ok: false, details: checked.details };
  return { ok: true, alert: checked.value };
}
