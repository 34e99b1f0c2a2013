import type { AssetAccess, InventoryAsset, InventorySource } from '../../contracts/inventory.js';
import type { AccessLevel } from '../../contracts/review-types.js';
import type { BucketRead, InventoryReaders, ProbeResult, ResourceGrant } from '../ports/inventory.js';
import type { InventoryRules } from './rules.js';

/** One source's read: its assets, or undefined when the source is not configured (with why). */
export type SourceRead = { readonly assets: readonly InventoryAsset[] } | { readonly notConfigured: string };

const DAY_MS = 86_400_000;
const ownerOf = (tags: Readonly<Record<string, string>>) => (tags.owner ? { owner: tags.owner } : {});
const classOf = (rules: InventoryRules, kind: InventoryAsset['kind']) => {
  const c = rules.risk.asset_classes[kind];
  return c ? { assetClass: c } : {};
};
const glob = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
const hasTag = (tags: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>) => Object.entries(wanted).some(([k, v]) => tags[k] === v);

/** What a probe's answer says about exposure: 401/403 ask for credentials; any other answer is public; no answer is internal. */
export function exposureOf(p: ProbeResult): NonNullable<InventoryAsset['exposure']> {
  if (p.status === undefined) return { level: 'internal', evidence: `GET ${p.url} without credentials got no answer (${p.error ?? 'unknown'})` };
  if (p.status === 401 || p.status === 403)
    return { level: 'authenticated', evidence: `GET ${p.url} without credentials answered ${p.status}${p.wwwAuthenticate ? ` (WWW-Authenticate: ${p.wwwAuthenticate.split(' ')[0]})` : ''}` };
  return { level: 'public', evidence: `GET ${p.url} answered ${p.status} without credentials` };
}

const MLFLOW_LEVELS: Readonly<Record<string, AccessLevel>> = { READ: 'Read', USE: 'Read', EDIT: 'Read/Write', MANAGE: 'Admin', NO_PERMISSIONS: 'None' };
const GITHUB_LEVELS: Readonly<Record<string, AccessLevel>> = { read: 'Read', pull: 'Read', triage: 'Read', write: 'Read/Write', push: 'Read/Write', maintain: 'Read/Write', admin: 'Admin' };

async function mlflow(readers: InventoryReaders, rules: InventoryRules): Promise<SourceRead> {
  if (!readers.models) return { notConfigured: 'no MLflow tracking server configured (MLFLOW_TRACKING_URI)' };
  const { models, auth } = await readers.models.listModels();
  const probe = rules.discovery.probe_mlflow && readers.prober ? exposureOf(await readers.prober.probe(`${readers.models.where}/api/2.0/mlflow/registered-models/search`)) : undefined;
  return {
    assets: models.map((m) => ({
      id: `model:mlflow:${m.name}`,
      kind: 'model' as const,
      source: 'mlflow' as const,
      name: m.name,
      location: `${readers.models!.where}/#/models/${encodeURIComponent(m.name)}`,
      ...ownerOf(m.tags),
      ...classOf(rules, 'model'),
      tags: m.tags,
      ...(probe ? { exposure: probe } : {}),
      access: m.permissions.map((p) => ({ principal: p.user, principalKind: 'mlflow-user' as const, level: MLFLOW_LEVELS[p.permission] ?? 'Read', grant: p.admin ? 'MANAGE (admin)' : p.permission })),
      facts: {
        versions: m.versions.length,
        latestVersion: m.versions[0] ?? '',
        aliases: Object.entries(m.aliases)
          .map(([a, v]) => `${a}=${v}`)
          .join(', '),
        auth,
      },
    })),
  };
}

const S3_OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'];
const S3_ACTIONS = [...S3_OBJECT_ACTIONS, 's3:PutBucketPolicy'];
const SAGEMAKER_ACTIONS = ['sagemaker:InvokeEndpoint', 'sagemaker:UpdateEndpoint', 'sagemaker:DeleteEndpoint'];

function levelOfActions(actions: readonly string[]): AccessLevel {
  const a = actions.map((x) => x.toLowerCase());
  if (a.some((x) => x.includes('policy') || (x.endsWith('endpoint') && !x.endsWith('invokeendpoint')))) return 'Admin';
  if (a.some((x) => x.includes('put') || x.includes('delete'))) return 'Read/Write';
  return a.some((x) => x.includes('invoke')) ? 'Execute' : 'Read';
}

const accessOfGrants = (grants: readonly ResourceGrant[] | undefined): AssetAccess[] =>
  (grants ?? []).map((g) => ({
    principal: g.principal,
    principalKind: g.principalKind,
    level: levelOfActions(g.actions),
    grant: `${g.actions.join(', ')} (${g.via})`,
    ...(g.lastUsed ? { lastUsed: g.lastUsed } : {}),
  }));

async function s3(readers: InventoryReaders, rules: InventoryRules): Promise<SourceRead> {
  if (!readers.buckets) return { notConfigured: 'no AWS region configured (AWS_REGION)' };
  const { tags, bucket_patterns, prefixes } = rules.discovery.training_data;
  const buckets = await readers.buckets.listBuckets();
  const picked = buckets.filter((b) => hasTag(b.tags, tags) || bucket_patterns.some((p) => glob(p, b.name)));
  // A configured prefix in each bucket its pattern names, when an object is under it: its own dataset.
  const parts: { bucket: BucketRead; prefix: string; arn: string }[] = [];
  for (const entry of prefixes) {
    const [pattern, prefix] = [entry.slice(0, entry.indexOf('/')), entry.slice(entry.indexOf('/') + 1)];
    for (const b of buckets.filter((x) => glob(pattern, x.name))) {
      if (await readers.buckets.holdsObjects(b.name, prefix)) parts.push({ bucket: b, prefix, arn: `${b.arn}/${prefix.replace(/\/+$/, '')}` });
    }
  }
  const targets = [...picked.map((b) => ({ arn: b.arn, actions: S3_ACTIONS })), ...parts.map((p) => ({ arn: p.arn, actions: S3_OBJECT_ACTIONS }))];
  const grants = readers.iam && targets.length ? await readers.iam.grantsOn(targets) : {};
  const accessFrom = readers.iam ? 'IAM identity policies' : 'IAM not read';
  const dataset = (b: BucketRead, name: string, arn: string, facts: Record<string, string>): InventoryAsset => ({
    id: `dataset:s3:${name}`,
    kind: 'dataset',
    source: 's3',
    name,
    location: arn,
    ...ownerOf(b.tags),
    ...classOf(rules, 'dataset'),
    tags: b.tags,
    access: accessOfGrants(grants[arn]),
    facts: { ...facts, accessFrom },
  });
  return {
    assets: [
      ...picked.map((b) => dataset(b, b.name, b.arn, { trainingData: hasTag(b.tags, tags) ? 'by tag' : 'by name pattern' })),
      ...parts.map((p) => dataset(p.bucket, `${p.bucket.name}/${p.prefix}`, p.arn, { trainingData: 'by configured prefix', prefix: p.prefix })),
    ],
  };
}

async function sagemaker(readers: InventoryReaders, rules: InventoryRules): Promise<SourceRead> {
  if (!readers.endpoints) return { notConfigured: 'no AWS region configured (AWS_REGION)' };
  const found = await readers.endpoints.listEndpoints();
  const grants = readers.iam && found.length ? await readers.iam.grantsOn(found.map((e) => ({ arn: e.arn, actions: SAGEMAKER_ACTIONS }))) : {};
  return {
    assets: found.map((e) => ({
      id: `endpoint:sagemaker:${e.name}`,
      kind: 'endpoint' as const,
      source: 'sagemaker' as const,
      name: e.name,
      location: e.arn,
      ...ownerOf(e.tags),
      ...classOf(rules, 'endpoint'),
      tags: e.tags,
      access: accessOfGrants(grants[e.arn]),
      facts: { status: e.status, ...(e.createdAt ? { createdAt: e.createdAt } : {}) },
    })),
  };
}

async function http(readers: InventoryReaders, rules: InventoryRules): Promise<SourceRead> {
  const targets = rules.discovery.http_endpoints;
  if (!readers.prober || targets.length === 0) return { notConfigured: 'no HTTP endpoints listed in the inventory rules (discovery.http_endpoints)' };
  const assets: InventoryAsset[] = [];
  for (const t of targets) {
    const probe = await readers.prober.probe(t.url);
    const url = new URL(probe.url);
    assets.push({
      id: `endpoint:http:${t.name}`,
      kind: 'endpoint',
      source: 'http',
      name: t.name,
      location: `${url.origin}${url.pathname}`,
      ...classOf(rules, 'endpoint'),
      tags: {},
      exposure: exposureOf(probe),
      access: [],
      facts: probe.status ? { status: probe.status } : {},
    });
  }
  return { assets };
}

async function github(readers: InventoryReaders, rules: InventoryRules): Promise<SourceRead> {
  if (!readers.code) return { notConfigured: 'no GitHub organization configured (GITHUB_ORG, GITHUB_TOKEN)' };
  const repos = await readers.code.listRepositories({ topics: rules.discovery.github.topics, names: rules.discovery.github.repos });
  return {
    assets: repos.map((r) => ({
      id: `repository:github:${r.repo}`,
      kind: 'repository' as const,
      source: 'github' as const,
      name: r.repo,
      location: r.repo,
      owner: r.repo.split('/')[0] ?? readers.code!.org,
      ...classOf(rules, 'repository'),
      tags: Object.fromEntries(r.topics.map((t) => [`topic:${t}`, 'true'])),
      access: r.collaborators.map((c) => ({ principal: c.login, principalKind: 'github-user' as const, level: GITHUB_LEVELS[c.permission] ?? 'Read', grant: c.permission })),
      facts: { topics: r.topics.join(', '), collaborators: r.collaborators.length },
    })),
  };
}

async function awsKeys(readers: InventoryReaders, rules: InventoryRules, now: Date): Promise<SourceRead> {
  if (!readers.iam) return { notConfigured: 'no AWS region configured (AWS_REGION)' };
  const { name_patterns, tags } = rules.discovery.ml_principals;
  const users = await readers.iam.keyHolders({ namePatterns: name_patterns, tags });
  return {
    assets: users.flatMap((u) =>
      u.keys.map((k) => ({
        id: `key:aws-iam:${k.accessKeyId}`,
        kind: 'key' as const,
        source: 'aws-iam' as const,
        name: `${u.userName}/${k.accessKeyId}`,
        location: u.arn,
        ...ownerOf(u.tags),
        tags: u.tags,
        access: [{ principal: u.userName, principalKind: 'iam-user' as const, level: 'Admin' as const, grant: 'holds the key', ...(k.lastUsed ? { lastUsed: k.lastUsed } : {}) }],
        facts: {
          user: u.userName,
          status: k.status,
          ...(k.createDate ? { createdAt: k.createDate, ageDays: Math.floor((now.getTime() - Date.parse(k.createDate)) / DAY_MS) } : {}),
          ...(k.lastUsed ? { lastUsed: k.lastUsed } : {}),
          ...(k.lastService ? { lastService: k.lastService } : {}),
        },
      })),
    ),
  };
}

/** Reads one source and turns what it read into inventory assets. A peer's failure is thrown (the activity reports it). */
export function readSource(source: InventorySource, readers: InventoryReaders, rules: InventoryRules, now: Date): Promise<SourceRead> {
  switch (source) {
    case 'mlflow':
      return mlflow(readers, rules);
    case 's3':
      return s3(readers, rules);
    case 'sagemaker':
      return sagemaker(readers, rules);
    case 'http':
      return http(readers, rules);
    case 'github':
      return github(readers, rules);
    case 'aws-iam':
      return awsKeys(readers, rules, now);
  }
}
