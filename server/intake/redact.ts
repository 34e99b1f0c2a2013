/**
 * Secret redaction for incoming alerts, before they reach a workflow history, a chat message or
 * an evidence store. Values under sensitive keys are replaced whole; inside free text, labelled
 * credentials are replaced and their label kept (`password=[REDACTED]`), then every secret shape
 * of policy/secret-rules.yaml (token prefixes kept: `ghp_[REDACTED]`). AWS access key ids are
 * kept: containment needs them, and they are not secret on their own.
 *
 * Every pattern is linear-time: bounded repetitions, or one unbounded run whose character class
 * cannot overlap what follows it.
 */
import type { Alert } from '../../contracts/incident.js';
import { loadSecretRules, shannonEntropy, type SecretRule } from './secret-rules.js';

/** What a redacted value or secret becomes. */
export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY = /(secret|passw(or)?d|pwd|token|api[_-]?key|private[_-]?key|credential|authorization|cookie|session)/i;

/**
 * Keys kept even when their name looks sensitive: access key ids (containment disables them by
 * id) and the names of secret kinds (GitHub's `secret_type` says what leaked, not the secret).
 */
const KEPT_KEYS = new Set(['aws_access_key_id', 'access_key_id', 'accessKeyId', 'secret_type', 'secret_type_display_name']);

interface Counter {
  n: number;
}

/** A rule for free text: `pattern` (global) and the replacement of one match, or the match itself to keep it. */
interface TextRule {
  readonly pattern: RegExp;
  readonly replace: (groups: readonly (string | undefined)[]) => string | undefined;
}

/** Replaces the secret (group 2) and keeps its label (group 1) and any suffix (group 3). */
const labelled =
  (accept: (secret: string) => boolean = () => true) =>
  ([label = '', secret = '', suffix = '']: readonly (string | undefined)[]): string | undefined =>
    secret.includes(REDACTED) || !accept(secret) ? undefined : `${label}${REDACTED}${suffix}`;

/** `Basic` credentials are base64 of `user:password`; anything else after the word is prose. */
const isBasicCredential = (b64: string): boolean => /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(Buffer.from(b64, 'base64').toString('latin1'));

/** Bearer tokens carry a digit or symbol, or are long; "Bearer authentication" is prose. */
const isBearerToken = (token: string): boolean => token.length >= 20 || /[^A-Za-z]/.test(token);

const TEXT_RULES: readonly TextRule[] = [
  // scheme://user:password@host: keep the user.
  { pattern: /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:@/?#]{1,256}:)([^\s@/?#]{1,256})(@)/gi, replace: labelled() },
  // aws_secret_access_key=…, "SecretAccessKey": "…", secret_key: … followed by a 40-character key.
  {
    pattern: /(secret[_-]?(?:access[_-]?)?key["']?\s{0,5}[:=]\s{0,5}["']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    replace: labelled(),
  },
  { pattern: /\b(Bearer\s{1,10})([A-Za-z0-9._~+/-]{8,}=*)/gi, replace: labelled(isBearerToken) },
  { pattern: /\b(Basic\s{1,10})([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/gi, replace: labelled(isBasicCredential) },
  // password=…, passwd: …, "password": "…", api_key=… in free text; quoted values keep their quotes.
  {
    pattern: /(passw(?:or)?d|api[_-]?key|access[_-]?token|client[_-]?secret)(["']?\s{0,5}[:=]\s{0,5})(?:"([^"\n]{1,256})"|'([^'\n]{1,256})'|([^\s,;&"'<>]{1,256}))/gi,
    replace: ([key = '', sep = '', dq, sq, bare]) => {
      const secret = dq ?? sq ?? bare ?? '';
      if (secret.includes(REDACTED)) return undefined;
      const quote = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
      return `${key}${sep}${quote}${REDACTED}${quote}`;
    },
  },
];

const BEGIN_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY-----/g;

/** Replaces the body of every PEM private key block; an unterminated block is redacted to the end. */
function redactPrivateKeys(s: string, counter: Counter): string {
  let out = '';
  let from = 0;
  BEGIN_PRIVATE_KEY.lastIndex = 0;
  for (let m = BEGIN_PRIVATE_KEY.exec(s); m; m = BEGIN_PRIVATE_KEY.exec(s)) {
    const bodyStart = m.index + m[0].length;
    const endMarker = `-----END ${m[1] ?? ''}PRIVATE KEY-----`;
    const end = s.indexOf(endMarker, bodyStart);
    const body = end === -1 ? s.slice(bodyStart) : s.slice(bodyStart, end);
    if (body !== REDACTED) {
      out += s.slice(from, bodyStart) + REDACTED;
      counter.n += 1;
      from = end === -1 ? s.length : end;
    }
    if (end === -1) break;
    BEGIN_PRIVATE_KEY.lastIndex = end + endMarker.length;
  }
  return out + s.slice(from);
}

/** The shipped secret-shape rules, compiled once. */
const SECRET_RULES: readonly SecretRule[] = loadSecretRules().rules;

/** Applies one data rule: replaces its secret group (located by the `d` flag's indices), keeping the rest of the match. */
function applySecretRule(s: string, rule: SecretRule, counter: Counter): string {
  let out = '';
  let from = 0;
  const pattern = rule.pattern;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(s); m; m = pattern.exec(s)) {
    if (m[0] === '') {
      pattern.lastIndex += 1;
      continue;
    }
    const span = m.indices?.[rule.secretGroup];
    const secret = m[rule.secretGroup];
    if (span === undefined || secret === undefined || secret === '' || secret.includes(REDACTED)) continue;
    if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) continue;
    out += s.slice(from, span[0]) + REDACTED;
    from = span[1];
    counter.n += 1;
  }
  pattern.lastIndex = 0;
  return out + s.slice(from);
}

/** Applies the data rules whose keywords occur in `s` (all of them for rules without keywords). */
function redactSecretShapes(s: string, counter: Counter, rules: readonly SecretRule[] = SECRET_RULES): string {
  let out = s;
  let lower = out.toLowerCase();
  for (const rule of rules) {
    if (rule.keywords.length > 0 && !rule.keywords.some((k) => lower.includes(k))) continue;
    const before = counter.n;
    out = applySecretRule(out, rule, counter);
    if (counter.n !== before) lower = out.toLowerCase();
  }
  return out;
}

function redactText(s: string, counter: Counter): string {
  let out = redactPrivateKeys(s, counter);
  for (const rule of TEXT_RULES) {
    out = out.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      // The capture groups come first, then the offset (a number).
      const groups = rest.slice(
        0,
        rest.findIndex((g) => typeof g === 'number'),
      ) as (string | undefined)[];
      const replaced = rule.replace(groups);
      if (replaced === undefined) return match;
      counter.n += 1;
      return replaced;
    });
  }
  return redactSecretShapes(out, counter);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

function walk(value: unknown, sensitive: boolean, counter: Counter): unknown {
  if (typeof value === 'string') {
    if (!sensitive) return redactText(value, counter);
    if (value === '' || value === REDACTED) return value;
    counter.n += 1;
    return REDACTED;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (!sensitive) return value;
    counter.n += 1;
    return REDACTED;
  }
  if (Array.isArray(value)) return value.map((item) => walk(item, sensitive, counter));
  if (isPlainObject(value)) {
    // fromEntries defines own properties, so a "__proto__" key stays a plain key.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, KEPT_KEYS.has(key) ? false : sensitive || SENSITIVE_KEY.test(key), counter)]));
  }
  return value;
}

/**
 * Redacts secrets anywhere in `value` (strings, arrays, plain objects), returning a copy and the
 * number of replacements; the input is not modified. Under a sensitive key every string and
 * number is replaced, except under the kept keys (access key ids). Idempotent: redacting the
 * output again replaces nothing.
 */
export function redactValue(value: unknown): { value: unknown; redactions: number } {
  const counter: Counter = { n: 0 };
  const redacted = walk(value, false, counter);
  return { value: redacted, redactions: counter.n };
}

/** Redacts an alert (see `redactValue`); no field of the generic alert is itself a sensitive key. */
export function redactAlert(alert: Alert): { alert: Alert; redactions: number } {
  const { value, redactions } = redactValue(alert);
  return { alert: value as Alert, redactions };
}
