/**
 * A small evaluator of IAM identity-policy documents, for the inventory: which of some actions a
 * set of statements allows on one resource. moto implements no SimulatePrincipalPolicy, so Warden
 * reads the documents (GetAccountAuthorizationDetails) and evaluates Action/NotAction and
 * Resource/NotResource with IAM's wildcards itself: an explicit Deny wins over any Allow.
 * Conditions, resource policies, permission boundaries and SCPs are NOT evaluated, so a
 * conditional Allow counts as a grant (the inventory errs towards showing access).
 */

export interface Statement {
  readonly Effect?: string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
}

const list = (v: string | readonly string[] | undefined): readonly string[] | undefined => (v === undefined ? undefined : typeof v === 'string' ? [v] : v);

/** IAM's wildcards: `*` any run of characters, `?` one; actions compare case-insensitively. */
export function iamWildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's').test(value);
}

const anyMatch = (patterns: readonly string[], value: string, ignoreCase: boolean) => patterns.some((p) => iamWildcard(p, value, ignoreCase));

/**
 * Whether a Resource pattern reaches `resource`. A bucket's objects are its data, so for an Allow
 * a pattern on some of its objects (`arn:…:bucket/train/*`) counts; a Deny counts only when it
 * covers the resource or all of its objects (`arn:…:bucket/*`), never a part.
 */
function reaches(pattern: string, resource: string, effect: 'Allow' | 'Deny'): boolean {
  if (iamWildcard(pattern, resource, false) || iamWildcard(pattern, `${resource}/*`, false)) return true;
  return effect === 'Allow' && (pattern.startsWith(`${resource}/`) || iamWildcard(pattern, `${resource}/x`, false));
}

function applies(s: Statement, action: string, resource: string): boolean {
  const actions = list(s.Action);
  const notActions = list(s.NotAction);
  const actionOk = actions ? anyMatch(actions, action, true) : notActions ? !anyMatch(notActions, action, true) : false;
  if (!actionOk) return false;
  const resources = list(s.Resource);
  const notResources = list(s.NotResource);
  const effect = s.Effect === 'Deny' ? 'Deny' : 'Allow';
  if (resources) return resources.some((p) => reaches(p, resource, effect));
  return notResources ? !notResources.some((p) => reaches(p, resource, 'Deny')) : false;
}

/** Parses a policy document as IAM returns it (URL-encoded JSON, or JSON); its statements. */
export function statementsOf(document: string | undefined): Statement[] {
  if (!document) return [];
  let text = document;
  try {
    text = decodeURIComponent(document);
  } catch {
    // already plain JSON
  }
  const parsed = JSON.parse(text) as { Statement?: Statement | Statement[] };
  return parsed.Statement === undefined ? [] : Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
}

/** The actions of `actions` that `statements` allow on `resource` (an explicit Deny removes one). */
export function allowedActions(statements: readonly Statement[], actions: readonly string[], resource: string): string[] {
  return actions.filter((a) => statements.some((s) => s.Effect === 'Allow' && applies(s, a, resource)) && !statements.some((s) => s.Effect === 'Deny' && applies(s, a, resource)));
}
