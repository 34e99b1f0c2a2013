import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rateAsset, type RatingContext } from '../../activities/inventory/evaluate.js';
import { loadAccessMatrix, loadInventoryRules, parseInventoryRules } from '../../activities/inventory/rules.js';
import type { InventoryAsset } from '../../contracts/inventory.js';

const { rules } = loadInventoryRules('policy/inventory-rules.yaml');
const matrix = loadAccessMatrix('policy/access-matrix.yaml');
const person = (id: string, roles: string[], userName: string) => ({ id, name: id, email: `${id}@x`, aws: [{ account: '1', userName }], groups: [], roles });
const ctx: RatingContext = { rules, matrix, people: [person('dana', ['data-scientist'], 'dana'), person('app', ['application-developer'], 'appdev')], now: new Date('2026-12-01T00:00:00Z') };
const bucket = (over: Partial<InventoryAsset> = {}): InventoryAsset => ({
  id: 'dataset:s3:train',
  kind: 'dataset',
  source: 's3',
  name: 'train',
  location: 'arn:aws:s3:::train',
  assetClass: 'training_data',
  tags: {},
  access: [],
  facts: {},
  ...over,
});

describe('inventory rules file', () => {
  it('the shipped file validates', () => {
    expect(rules.risk.unused.days).toBe(90);
  });

  it('a bad field is refused with its name and what is wrong', () => {
    const text = readFileSync('policy/inventory-rules.yaml', 'utf8').replace('max_changers: 3', 'max_changers: lots').replace('drift: { risk: high }', 'drift: { risk: severe }');
    expect(() => parseInventoryRules('rules.yaml', text)).toThrow(/rules\.yaml: .*risk\.breadth\.max_changers: .*number.*risk\.drift\.risk: /);
    expect(() => parseInventoryRules('rules.yaml', 'discovery: [')).toThrow(/rules\.yaml: not valid YAML/);
    expect(() => parseInventoryRules('rules.yaml', text.replace('probe_mlflow: true', 'probe_mlflow: true\n  surprise: 1'))).toThrow(/discovery: .*surprise/);
    const shipped = readFileSync('policy/inventory-rules.yaml', 'utf8');
    expect(() => parseInventoryRules('rules.yaml', shipped.replace('prefixes: []', "prefixes: ['datalake']"))).toThrow(
      /discovery\.training_data\.prefixes\[0\]: a bucket pattern, a slash, then the key prefix/,
    );
  });
});

describe('rateAsset', () => {
  it('with no rule fired, the rating says so in a reason', () => {
    const r = rateAsset(bucket({ access: [{ principal: 'dana', principalKind: 'iam-user', level: 'Read/Write', grant: 's3:PutObject' }] }), ctx);
    expect(r).toEqual({ assetId: 'dataset:s3:train', risk: 'low', reasons: [expect.objectContaining({ rule: 'none' })] });
  });

  it('public exposure is critical and names the evidence', () => {
    const r = rateAsset(bucket({ kind: 'endpoint', exposure: { level: 'public', evidence: 'GET / answered 200 without credentials' } }), ctx);
    expect(r.risk).toBe('critical');
    expect(r.reasons[0]!.reason).toContain('GET / answered 200 without credentials');
  });

  it('sensitivity, breadth, unused access and drift each give their reason', () => {
    const rw = (principal: string, lastUsed?: string) => ({ principal, principalKind: 'iam-user' as const, level: 'Read/Write' as const, grant: 's3:PutObject', ...(lastUsed ? { lastUsed } : {}) });
    const r = rateAsset(bucket({ tags: { 'data-sensitivity': 'confidential' }, access: [rw('dana', '2026-08-01T00:00:00Z'), rw('appdev'), rw('ci'), rw('ops')] }), ctx);
    const by = (rule: string) => r.reasons.filter((x) => x.rule === rule);
    expect(r.risk).toBe('high');
    expect(by('sensitivity')[0]!.reason).toBe('tagged data-sensitivity=confidential');
    expect(by('breadth')[0]!.reason).toMatch(/^4 principals can change it \(more than 3\): appdev, ci, dana, ops$/);
    expect(by('unused').map((x) => x.principal)).toEqual(['dana']);
    expect(by('unused')[0]!.reason).toContain('122 days ago');
    // dana is a data scientist (Read/Write on training data): no drift; the application developer and the unknown principals drift.
    expect(by('drift').map((x) => x.principal)).toEqual(['appdev', 'ci', 'ops']);
    expect(by('drift')[0]!.reason).toContain('held by app (roles application-developer)');
  });

  it('an old active key never used is flagged for age and for no use', () => {
    const key = bucket({ id: 'key:aws-iam:AKIA1', kind: 'key', source: 'aws-iam', assetClass: undefined, facts: { status: 'Active', ageDays: 120 } });
    const r = rateAsset(key, ctx);
    expect(r.reasons.map((x) => x.rule).sort()).toEqual(['key-age', 'unused']);
    expect(r.risk).toBe('medium');
    expect(rateAsset({ ...key, facts: { status: 'Inactive', ageDays: 120 } }, ctx).reasons[0]!.rule).toBe('none');
  });
});
