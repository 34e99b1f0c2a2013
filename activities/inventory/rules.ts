import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { fieldName } from '../../config/yaml-location.js';
import { ACCESS_LEVELS, ASSET_IDS } from '../../contracts/review-types.js';
import { INVENTORY_KINDS, type RiskLevel } from '../../contracts/inventory.js';

/** The inventory's rules file beside the access matrix (reviews.policy_dir). */
export const INVENTORY_RULES_FILE = 'inventory-rules.yaml';

const Risk = z.enum(['low', 'medium', 'high', 'critical']);
const Tags = z.record(z.string(), z.string());
const Strings = z.array(z.string());
const Days = z.number().int().positive();

const rulesSchema = z.strictObject({
  discovery: z.strictObject({
    training_data: z.strictObject({
      tags: Tags,
      bucket_patterns: Strings,
      /** `<bucket pattern>/<prefix>`: the prefix holds training data in each bucket the pattern names. */
      prefixes: z.array(z.string().regex(/^[^/\s]+\/\S+$/, 'a bucket pattern, a slash, then the key prefix (datalake-*/training/)')).default([]),
    }),
    http_endpoints: z.array(z.strictObject({ name: z.string().min(1), url: z.url() })),
    probe_mlflow: z.boolean(),
    github: z.strictObject({ topics: Strings, repos: Strings }),
    ml_principals: z.strictObject({ name_patterns: Strings, tags: Tags }),
  }),
  risk: z.strictObject({
    asset_classes: z.partialRecord(z.enum(INVENTORY_KINDS), z.enum(ASSET_IDS)),
    exposure: z.strictObject({ public: Risk, authenticated: Risk, internal: Risk }),
    sensitivity: z.strictObject({ tag: z.string().min(1), levels: z.record(z.string(), Risk) }),
    breadth: z.strictObject({ max_changers: z.number().int().nonnegative(), risk: Risk }),
    unused: z.strictObject({ days: Days, risk: Risk }),
    key_age: z.strictObject({ days: Days, risk: Risk }),
    drift: z.strictObject({ risk: Risk }),
  }),
});

export type InventoryRules = z.output<typeof rulesSchema>;

/** The access matrix as the drift rule reads it: each role's level per asset class. */
const matrixSchema = z.looseObject({
  roles: z.array(z.looseObject({ id: z.string(), name: z.string(), access: z.partialRecord(z.enum(ASSET_IDS), z.enum(ACCESS_LEVELS)) })),
});
export type AccessMatrix = z.output<typeof matrixSchema>;

/** The rules file is invalid: the message names the file and each field with what is wrong. */
export class InventoryRulesError extends Error {
  override name = 'InventoryRulesError';
}

function parseWith<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  let doc: unknown;
  try {
    doc = parse(text, { uniqueKeys: true });
  } catch (err) {
    throw new InventoryRulesError(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(doc ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${fieldName(i.path as (string | number)[])}: ${i.message}`);
  throw new InventoryRulesError(`${file}: ${problems.join('; ')}`);
}

const readText = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new InventoryRulesError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
};

/** Validates the rules' text; throws InventoryRulesError naming each bad field. */
export function parseInventoryRules(file: string, text: string): { rules: InventoryRules; digest: string } {
  return { rules: parseWith(file, text, rulesSchema), digest: `sha256:${createHash('sha256').update(text).digest('hex')}` };
}

/** Reads and validates the rules file (each scan reads it afresh, so an edit takes effect at the next scan). */
export function loadInventoryRules(file: string): { rules: InventoryRules; digest: string } {
  return parseInventoryRules(file, readText(file));
}

/** Reads the roles of policy/access-matrix.yaml for the drift rule (reviews validate the whole file). */
export function loadAccessMatrix(file: string): AccessMatrix {
  return parseWith(file, readText(file), matrixSchema);
}

export const RISK_ORDER: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];
