import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../../../config/config.js';
import { accessMatrixSchema, entitlementMapSchema, schemaProblems, type AccessMatrixFile, type EntitlementMapFile } from './policy-schema.js';
import type { AccessLevel, AssetId, EntitlementKind, ReviewSystem } from '../../../contracts/review-types.js';
import { fieldName, offsetOf } from '../../../config/yaml-location.js';

export const ACCESS_MATRIX_FILE = 'access-matrix.yaml';
export const ENTITLEMENT_MAP_FILE = 'entitlement-map.yaml';

/** Which entitlements a rule matches and the asset levels they grant. */
export interface MappingRule {
  readonly system: ReviewSystem;
  readonly kind: EntitlementKind;
  /** Glob over the resource, `*` for any run of characters. */
  readonly resource: string;
  /** When present, the entitlement's permission must be one of these (case-insensitive). */
  readonly permissions?: readonly string[];
  readonly grants: Readonly<Partial<Record<AssetId, AccessLevel>>>;
}

/** The access policy, validated: the seed's matrix, the entitlement mapping, the thresholds. Plain data. */
export interface AccessPolicy {
  readonly roles: readonly { readonly id: string; readonly name: string; readonly access: Readonly<Record<AssetId, AccessLevel>> }[];
  readonly assets: readonly { readonly id: AssetId; readonly name: string }[];
  readonly rules: readonly MappingRule[];
  readonly thresholds: { readonly unusedDays: number; readonly keyAgeDays: number };
}

/** The policy files are invalid; each issue reads `file:line:column: field: message`. */
export class PolicyError extends ConfigError {
  override name = 'PolicyError';
  get issues(): readonly string[] {
    return this.problems;
  }
}

/** Parses and validates one policy file's text; problems are `file:line:column: field: message`. */
function parseFile<S extends z.ZodType>(file: string, text: string, schema: S): { data?: z.output<S>; issues: string[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, field: string, message: string) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}: ${field}: ${message}`;
  };
  if (doc.errors.length > 0) return { issues: doc.errors.map((e) => at(e.pos[0], '(yaml)', e.message.split('\n')[0] ?? e.message)) };
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return { data: parsed.data, issues: [] };
  return { issues: parsed.error.issues.flatMap(schemaProblems).map((p) => at(offsetOf(doc, p.path), fieldName(p.path), p.message)) };
}

function toPolicy(matrix: AccessMatrixFile, map: EntitlementMapFile): AccessPolicy {
  return {
    roles: matrix.roles.map((r) => ({ id: r.id, name: r.name, access: r.access })),
    assets: matrix.assets.map((a) => ({ id: a.id, name: a.name })),
    rules: map.rules.map((r) => ({
      system: r.system,
      kind: r.kind,
      resource: r.resource,
      ...(r.permission ? { permissions: r.permission } : {}),
      grants: Object.fromEntries(Object.entries(r.grants).filter(([, v]) => v !== undefined)),
    })),
    thresholds: { unusedDays: matrix.thresholds.unused_days, keyAgeDays: matrix.thresholds.key_age_days },
  };
}

/** Validates both policy files from their text (tests, and `loadAccessPolicy`); throws PolicyError with every problem. */
export function parseAccessPolicy(matrix: { file: string; text: string }, map: { file: string; text: string }): AccessPolicy {
  const m = parseFile(matrix.file, matrix.text, accessMatrixSchema);
  const r = parseFile(map.file, map.text, entitlementMapSchema);
  if (!m.data || !r.data) throw new PolicyError([...m.issues, ...r.issues]);
  return toPolicy(m.data, r.data);
}

/**
 * Reads `<dir>/access-matrix.yaml` and `<dir>/entitlement-map.yaml` and validates them like
 * playbooks: every problem is reported, each located at its file, line and column. Throws
 * PolicyError (a ConfigError) when either file is missing or invalid.
 */
export function loadAccessPolicy(dir: string): AccessPolicy {
  const read = (name: string): { file: string; text: string } | string => {
    const file = join(dir, name);
    try {
      return { file, text: readFileSync(file, 'utf8') };
    } catch (err) {
      return `${file}:0:0: (file): cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
    }
  };
  const matrix = read(ACCESS_MATRIX_FILE);
  const map = read(ENTITLEMENT_MAP_FILE);
  if (typeof matrix === 'string' || typeof map === 'string') throw new PolicyError([matrix, map].filter((x): x is string => typeof x === 'string'));
  return parseAccessPolicy(matrix, map);
}
