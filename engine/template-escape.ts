/**
 * Escaping of template values by the context of the field they land in, applied once by the
 * renderer (engine/template.ts), never by each action. The catalog declares each parameter's
 * context (ActionDefinition.templates); the literal text of a template is the playbook
 * author's and is never escaped, only the values its expressions produce.
 */

/**
 * url: a value in a URL's path is one path segment (percent-encoded, never `.` or `..`), in its
 * query or fragment one component; a value may not set the scheme or host.
 * header: a header value on one line (control characters become spaces).
 * mrkdwn: Slack text that cannot mention, link or format (see escapeMrkdwn).
 * html: HTML text.
 * trusted: no escaping, but the field may not read what an alert's sender writes (the playbook
 * validator refuses `alert.*` and `steps.*` there): recipients and channels.
 */
export type TemplateContext = 'url' | 'header' | 'mrkdwn' | 'html' | 'trusted';

export class TemplateEscapeError extends Error {
  override name = 'TemplateEscapeError';
}

/** HTML text: & < > " ' escaped. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const ZWSP = '\u200b';

/**
 * Slack mrkdwn that shows the text and does nothing else: & < > escaped as Slack asks (so no
 * `<!channel>`, `<@U…>` or `<url|label>` survives), bare `@channel`/`@here`/`@everyone` broken
 * with a zero-width space, URLs defanged (`https[:]//`) so Slack does not link them, and the
 * formatting marks * ~ ` neutralised (a zero-width space after `*` and `~`, backquotes as ˋ).
 */
export function escapeMrkdwn(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, `@${ZWSP}$1`)
    .replace(/\b([a-z][a-z0-9+.-]{0,31}):\/\//gi, '$1[:]//')
    .replace(/\b(www)\./gi, '$1[.]')
    .replace(/`/g, 'ˋ')
    .replace(/([*~])/g, `$1${ZWSP}`);
}

/** One header value on one line: CR, LF and other control characters become spaces. */
export function escapeHeader(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, ' ');
}

/** Where in a URL a value lands, from the literal text before it. */
function urlPart(before: string): 'authority' | 'path' | 'query' {
  if (/[?#]/.test(before)) return 'query';
  const scheme = before.indexOf('://');
  if (scheme < 0) return before.startsWith('/') ? 'path' : 'authority';
  return before.indexOf('/', scheme + 3) >= 0 ? 'path' : 'authority';
}

/**
 * A value in a URL: one percent-encoded path segment or query component. `/`, `%`, `?`, `#`,
 * `\` and CR/LF are encoded, so `../admin` stays one segment (`..%2Fadmin`) and `%2e%2e` stays
 * literal (`%252e%252e`); a whole segment of `.` or `..` is refused, since URL parsers resolve it.
 */
export function escapeUrlValue(value: string, before: string): string {
  const part = urlPart(before);
  if (part === 'authority') throw new TemplateEscapeError("a template value may not set a URL's scheme or host: write them literally and template only the path or query");
  const encoded = encodeURIComponent(value);
  if (part === 'path' && /(^|\/)$/.test(before) && /^\.{1,2}$/.test(value)) throw new TemplateEscapeError(`a template value may not be the URL path segment "${value}"`);
  return encoded;
}

/** The value, stringified, escaped for `context`; `before` is the template's literal text so far (for URLs). */
export function escapeFor(context: TemplateContext, value: string, before: string): string {
  switch (context) {
    case 'url':
      return escapeUrlValue(value, before);
    case 'header':
      return escapeHeader(value);
    case 'mrkdwn':
      return escapeMrkdwn(value);
    case 'html':
      return escapeHtml(value);
    case 'trusted':
      return value;
  }
}
