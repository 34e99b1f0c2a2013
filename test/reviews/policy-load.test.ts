import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAccessPolicy, parseAccessPolicy, PolicyError } from '../../activities/reviews/policy/load-policy.js';
import { ACCESS_LEVELS, ASSET_IDS } from '../../contracts/review-types.js';

/** The seed article's access control matrix, verbatim. */
const SEED_MATRIX = `
Role | Training Data | Model Code | Production Models | Inference API
Data Scientist | Read/Write | Read/Write | Read | None
ML Engineer | Read | Read/Write | Read/Write | Read
MLOps | None | Read | Read/Write | Admin
Application Developer | None | None | None | Read
End User | None | None | None | Execute
`;

const seedRows = SEED_MATRIX.trim()
  .split('\n')
  .map((line) => line.split('|').map((cell) => cell.trim()));

describe('the shipped access policy (policy/)', () => {
  const policy = loadAccessPolicy('policy');

  it('holds the seed article’s matrix, cell by cell', () => {
    const [header, ...rows] = seedRows;
    expect(policy.assets.map((a) => a.name)).toEqual(header?.slice(1));
    expect(policy.assets.map((a) => a.id)).toEqual([...ASSET_IDS]);
    expect(policy.roles.map((r) => r.name)).toEqual(rows.map((r) => r[0]));
    expect(policy.roles.map((r) => r.id)).toEqual(['data-scientist', 'ml-engineer', 'mlops', 'application-developer', 'end-user']);
    for (const [name, ...levels] of rows) {
      const role = policy.roles.find((r) => r.name === name);
      policy.assets.forEach((asset, i) => expect(role?.access[asset.id], `${name} × ${asset.name}`).toBe(levels[i]));
    }
    const used = new Set(rows.flatMap((r) => r.slice(1)));
    expect([...used].sort()).toEqual([...ACCESS_LEVELS].sort());
  });

  it('flags after 90 days unused and keys older than 90 days', () => {
    expect(policy.thresholds).toEqual({ unusedDays: 90, keyAgeDays: 90 });
  });

  it('maps every synthetic permission and the example AWS and GitHub entitlements', () => {
    expect(policy.rules.length).toBeGreaterThan(20);
    expect(policy.rules.filter((r) => r.system === 'synthetic')).toHaveLength(13);
    expect(policy.rules.find((r) => r.resource === 'AdministratorAccess')?.grants).toEqual({ training_data: 'Admin', model_code: 'Admin', production_models: 'Admin', inference_api: 'Admin' });
    expect(policy.rules.find((r) => r.resource === 'AmazonS3ReadOnlyAccess')?.grants).toEqual({ training_data: 'Read' });
    expect(policy.rules.find((r) => r.resource === '*/model-*' && r.permissions?.includes('push'))?.grants).toEqual({ model_code: 'Read/Write' });
  });
});

const MATRIX = `levels: [None, Read, Read/Write, Admin, Execute]
assets:
  - { id: training_data, name: Training Data }
  - { id: model_code, name: Model Code }
  - { id: production_models, name: Production Models }
  - { id: inference_api, name: Inference API }
roles:
  - id: data-scientist
    name: Data Scientist
    access: { training_data: Read/Write, model_code: Read/Write, production_models: Read, inference_api: None }
thresholds: { unused_days: 90, key_age_days: 90 }
`;

const MAP = `rules:
  - system: aws
    kind: iam-group
    resource: data-scientists
    grants: { training_data: Read/Write }
`;

function issuesOf(matrix: string, map: string): readonly string[] {
  try {
    parseAccessPolicy({ file: 'access-matrix.yaml', text: matrix }, { file: 'entitlement-map.yaml', text: map });
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as PolicyError).issues;
  }
  return expect.unreachable('the broken policy was accepted');
}

describe('a broken access policy is refused with every problem at its file, line and column', () => {
  it('accepts the minimal policy the corpus breaks', () => {
    expect(parseAccessPolicy({ file: 'm', text: MATRIX }, { file: 'r', text: MAP }).roles).toHaveLength(1);
  });

  const corpus: readonly { name: string; matrix?: string; map?: string; issues: readonly string[] }[] = [
    {
      name: 'a level that does not exist',
      matrix: MATRIX.replace('production_models: Read,', 'production_models: Write,'),
      issues: ['access-matrix.yaml:10:85: roles[0].access.production_models: "Write" is not an access level; use one of None, Read, Execute, Read/Write, Admin'],
    },
    {
      name: 'a role without a level for one asset',
      matrix: MATRIX.replace(', inference_api: None }', ' }'),
      issues: ['access-matrix.yaml:10:13: roles[0].access.inference_api: no level for inference_api: give one of None, Read, Execute, Read/Write, Admin'],
    },
    {
      name: 'an unknown asset in a role',
      matrix: MATRIX.replace('inference_api: None }', 'inference_api: None, feature_store: Read }'),
      issues: ['access-matrix.yaml:10:127: roles[0].access.feature_store: unknown asset "feature_store"; the assets are training_data, model_code, production_models, inference_api'],
    },
    {
      name: 'an unknown top-level field',
      matrix: `${MATRIX}owner: security\n`,
      issues: ['access-matrix.yaml:12:8: owner: unknown field "owner"'],
    },
    {
      name: 'a role id that is not kebab-case',
      matrix: MATRIX.replace('id: data-scientist', 'id: Data_Scientist'),
      issues: ['access-matrix.yaml:8:9: roles[0].id: lower-case letters, digits and hyphens, starting with a letter'],
    },
    {
      name: 'a missing asset and a missing level',
      matrix: MATRIX.replace('  - { id: inference_api, name: Inference API }\n', '').replace(', Execute]', ']'),
      issues: [
        "access-matrix.yaml:1:9: levels: missing level(s) Execute: Warden's levels are None, Read, Execute, Read/Write, Admin",
        'access-matrix.yaml:3:3: assets: missing asset(s) inference_api: list every one of training_data, model_code, production_models, inference_api',
      ],
    },
    {
      name: 'a threshold that is not a number',
      matrix: MATRIX.replace('unused_days: 90', 'unused_days: ninety'),
      issues: ['access-matrix.yaml:11:28: thresholds.unused_days: expected number, received string'],
    },
    {
      name: 'a rule granting on an unknown asset with an unknown level',
      map: MAP.replace('{ training_data: Read/Write }', '{ training_data: Full, datasets: Read }'),
      issues: [
        'entitlement-map.yaml:5:30: rules[0].grants.training_data: "Full" is not an access level; use one of None, Read, Execute, Read/Write, Admin',
        'entitlement-map.yaml:5:46: rules[0].grants.datasets: unknown asset "datasets"; the assets are training_data, model_code, production_models, inference_api',
      ],
    },
    {
      name: 'a kind of another system',
      map: MAP.replace('kind: iam-group', 'kind: github-team'),
      issues: [
        'entitlement-map.yaml:3:11: rules[0].kind: "github-team" is not an entitlement kind of aws; use one of iam-group, iam-managed-policy, iam-inline-policy, iam-access-key, iam-login-profile, inventory-access',
      ],
    },
    {
      name: 'an unknown system and a rule granting nothing',
      map: MAP.replace('system: aws', 'system: gcp').replace('{ training_data: Read/Write }', '{}'),
      issues: [
        'entitlement-map.yaml:2:13: rules[0].system: "gcp" is not a system; use one of aws, github, synthetic',
        'entitlement-map.yaml:5:13: rules[0].grants: name at least one asset: training_data, model_code, production_models, inference_api',
      ],
    },
    {
      name: 'a duplicate key (YAML) in the map',
      map: `${MAP}    resource: again\n`,
      issues: ['entitlement-map.yaml:6:5: (yaml): Map keys must be unique'],
    },
    {
      name: 'problems in both files at once',
      matrix: MATRIX.replace('name: Data Scientist', 'name: ""'),
      map: 'rules: []\n',
      issues: ['access-matrix.yaml:9:11: roles[0].name: give a display name', 'entitlement-map.yaml:1:8: rules: list at least one rule: without rules no entitlement grants anything'],
    },
  ];

  it.each(corpus)('$name', ({ matrix, map, issues }) => {
    expect(issuesOf(matrix ?? MATRIX, map ?? MAP)).toEqual(issues);
  });

  it('names a missing policy file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-policy-'));
    try {
      writeFileSync(join(dir, 'access-matrix.yaml'), MATRIX);
      expect(() => loadAccessPolicy(dir)).toThrow(PolicyError);
      try {
        loadAccessPolicy(dir);
      } catch (err) {
        expect((err as PolicyError).issues).toEqual([`${join(dir, 'entitlement-map.yaml')}:0:0: (file): cannot read: ENOENT`]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
