/**
 * The secret-shape rules of redaction, loaded as data from policy/secret-rules.yaml (see its header)
 * and compiled once. A rule whose regex JavaScript cannot compile, whose secret group does not exist,
 * or that takes too long on a pathological input is skipped and reported, never half-applied.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

export const SECRET_RULES_FILE = join('policy', 'secret-rules.yaml');

const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes'),
    description: z.string().min(1),
    regex: z.string().min(1),
    ignoreCase: z.boolean().optional(),
    secretGroup: z.number().int().min(0).max(9).optional(),
    keywords: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^[^A-Z]*$/, 'lowercase'),
      )
      .optional(),
    entropy: z.number().min(0).max(8).optional(),
    source: z.string().min(1),
  })
  .strict();

const fileSchema = z.object({ rules: z.array(ruleSchema).min(1) }).strict();

/** One compiled rule. `pattern` is global with indices (`gd`); `secretGroup` 0 is the whole match. */
export interface SecretRule {
  readonly id: string;
  readonly description: string;
  readonly pattern: RegExp;
  readonly secretGroup: number;
  /** Lowercase; the rule runs only on text that contains one of them (none: always). */
  readonly keywords: readonly string[];
  /** Minimum Shannon entropy (bits per character) of the secret, if any. */
  readonly entropy?: number;
}

export interface LoadedSecretRules {
  readonly rules: readonly SecretRule[];
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

/** The invalid rules file: which rule or field, and what is wrong. */
export class SecretRulesError extends Error {
  override readonly name = 'SecretRulesError';
}

/** Shannon entropy of `s` in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Input lengths tried in turn, so that an exponential rule is caught while its input is still short. */
const PATHOLOGICAL_LENGTHS = [12, 16, 20, 24, 28, 32, 64, 256, 1024, 4096, 32 * 1024];

/** Inputs of `length` that make a backtracking regex slow: runs of one class, and a rule's keyword repeated. */
function pathologicalInputs(keywords: readonly string[], length: number): string[] {
  const fill = (unit: string) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const units = ['a', 'A', '0', 'aA0/+', 'aZ9-_.', ' ', '=', 'ey', 'ey.', '/'];
  const inputs = units.map(fill);
  for (const k of keywords.length > 0 ? keywords : ['']) {
    inputs.push(k + fill('aA0'), fill(`${k}-`), fill(`${k}a`), fill(`${k}.`), fill(`${k}/`), fill(k || 'k'));
  }
  return inputs;
}

/** Whether the rule stays within `budgetMs` on the pathological inputs of every length, longest last. */
function fastOnPathologicalInputs(pattern: RegExp, keywords: readonly string[], budgetMs: number): { ok: boolean; ms: number } {
  const start = performance.now();
  for (const length of PATHOLOGICAL_LENGTHS) {
    for (const input of pathologicalInputs(keywords, length)) {
      pattern.lastIndex = 0;
      while (pattern.exec(input) !== null) {
        if (pattern.lastIndex === 0) break;
      }
    }
    const ms = performance.now() - start;
    if (ms > budgetMs) return { ok: false, ms };
  }
  pattern.lastIndex = 0;
  return { ok: true, ms: performance.now() - start };
}

const groupCount = (pattern: RegExp): number => (new RegExp(`${pattern.source}|`).exec('')?.length ?? 1) - 1;

/**
 * Validates and compiles the rules in `text` (YAML). Throws SecretRulesError for a malformed file
 * or a duplicate id; skips (and reports) a rule that cannot compile, names a missing group, or
 * spends more than `budgetMs` on the pathological inputs.
 */
export function compileSecretRules(text: string, budgetMs = 250): LoadedSecretRules {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new SecretRulesError(`secret rules: not YAML: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SecretRulesError(`secret rules: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const rules: SecretRule[] = [];
  const skipped: { id: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const r of parsed.data.rules) {
    if (seen.has(r.id)) throw new SecretRulesError(`secret rules: duplicate id ${r.id}`);
    seen.add(r.id);
    let pattern: RegExp;
    try {
      pattern = new RegExp(r.regex, r.ignoreCase === true ? 'gdi' : 'gd');
    } catch (err) {
      skipped.push({ id: r.id, reason: `does not compile: ${(err as Error).message}` });
      continue;
    }
    const secretGroup = r.secretGroup ?? 0;
    if (secretGroup > groupCount(pattern)) {
      skipped.push({ id: r.id, reason: `secretGroup ${secretGroup} does not exist` });
      continue;
    }
    const keywords = r.keywords ?? [];
    const timing = fastOnPathologicalInputs(pattern, keywords, budgetMs);
    if (!timing.ok) {
      skipped.push({ id: r.id, reason: `too slow on a pathological input (${Math.round(timing.ms)} ms)` });
      continue;
    }
    rules.push({ id: r.id, description: r.description, pattern, secretGroup, keywords, ...(r.entropy === undefined ? {} : { entropy: r.entropy }) });
  }
  return { rules, skipped };
}

/** The shipped rules file: policy/secret-rules.yaml in the nearest folder above this module (source or dist). */
export function secretRulesPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    const candidate = join(dir, SECRET_RULES_FILE);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new SecretRulesError(`secret rules: ${SECRET_RULES_FILE} not found above ${dirname(fileURLToPath(import.meta.url))}`);
}

/** Loads the shipped rules, logging how many were skipped and why. */
export function loadSecretRules(path = secretRulesPath(), log: (msg: string) => void = (msg) => console.error(msg)): LoadedSecretRules {
  const loaded = compileSecretRules(readFileSync(path, 'utf8'));
  if (loaded.skipped.length > 0) {
    log(`redaction: ${loaded.rules.length} secret rules loaded, ${loaded.skipped.length} skipped: ${loaded.skipped.map((s) => `${s.id} (${s.reason})`).join('; ')}`);
  }
  return loaded;
}
