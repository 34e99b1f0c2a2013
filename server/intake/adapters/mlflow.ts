/**
 * MLflow registry webhooks (MLflow 3.x open source) as alerts. An event opens an incident only
 * when it breaks the registry's approved path, which Warden checks by reading the registry at
 * once (never trusting the event alone):
 *
 * - `model_version_alias.created` on a watched alias, pointing at a version that is not marked
 *   validated, is quarantined, names no run, or names a run the tracking server does not know:
 *   `model.alias_unapproved`;
 * - `model_version.created` with no run, or a run the tracking server does not know:
 *   `model.version_unknown_run`;
 * - `model_version_tag.set` on a version a watched alias serves (a production model), other than
 *   the quarantine tags Warden itself writes: `model.production_tag_changed`.
 *
 * Everything else is answered as skipped, with the reason.
 */
import { z } from 'zod';
import type { ModelRegistry, ModelVersionInfo } from '../../../activities/ports/model-registry.js';
import type { AdapterResult } from './types.js';
import { isoOrUndefined, rawOf } from './types.js';

/** What the registry check reads: the model's versions and aliases, and whether a run exists. */
export type RegistryReader = Pick<ModelRegistry, 'listVersions' | 'runExists'>;

/** An event that must be checked against the registry, on a Warden with no registry configured. */
export class RegistryNotConfigured extends Error {
  override name = 'RegistryNotConfigured';
}

/** The reader, for an event that needs one: without it the event cannot be judged, never passed. */
const needed = (reader: RegistryReader | undefined): RegistryReader => {
  if (!reader) throw new RegistryNotConfigured('MLflow is not configured in Warden (MLFLOW_TRACKING_URI): registry events cannot be checked against the registry');
  return reader;
};

/** The aliases whose moves and whose versions' tags are watched (warden.yaml `mlflow.watched_aliases`). */
export const DEFAULT_WATCHED_ALIASES: readonly string[] = ['champion', 'production'];

/** The tags Warden writes when it quarantines a version: its own change is no alert. */
const WARDEN_QUARANTINE_TAGS = new Set(['warden.quarantined', 'warden.quarantine_reason', 'warden.incident']);

const name = z.string().min(1).max(256);
const version = z.string().regex(/^\d{1,10}$/, 'must be a version number');
const Event = z.looseObject({ entity: z.string(), action: z.string(), timestamp: z.string().optional(), data: z.looseObject({}) });
const AliasCreated = z.looseObject({ name, alias: z.string().min(1).max(256), version });
const VersionCreated = z.looseObject({ name, version, source: z.string().nullish(), run_id: z.string().nullish() });
const TagSet = z.looseObject({ name, version, key: z.string().min(1).max(250), value: z.string().max(5000).nullish() });

const invalid = (error: z.ZodError): AdapterResult => ({ ok: false, details: error.issues.map((i) => ({ path: `data.${i.path.join('.')}`, message: i.message })) });

/** Why a version did not come through the approved path (none: it did). */
async function offPath(reader: RegistryReader, v: ModelVersionInfo | undefined, wanted: string): Promise<string[]> {
  if (!v) return [`version ${wanted} is not in the registry`];
  const reasons: string[] = [];
  if (!v.validated) reasons.push(`version ${v.version} is not marked validated (tag validated=true)`);
  if (v.quarantined) reasons.push(`version ${v.version} is quarantined (warden.quarantined=true)`);
  reasons.push(...(await runReasons(reader, v.runId)));
  return reasons;
}

async function runReasons(reader: RegistryReader, runId: string | null | undefined): Promise<string[]> {
  if (!runId) return ['it names no training run'];
  return (await reader.runExists(runId)) ? [] : [`its run ${runId} is unknown to the tracking server`];
}

function alert(
  type: string,
  title: string,
  model: string,
  v: string,
  fingerprint: string,
  labels: Record<string, string>,
  details: Record<string, unknown>,
  at: string | undefined,
): Record<string, unknown> {
  return {
    type,
    severity: 'high',
    title,
    source: 'mlflow',
    fingerprint,
    ...(at ? { observed_at: at } : {}),
    resource: { kind: 'registered_model', name: model, version: v },
    labels,
    details,
  };
}

/**
 * Judges one MLflow webhook delivery against the registry; a malformed one is 400 before anything
 * is read. Throws RegistryNotConfigured when an event needs a registry Warden does not have, and
 * what the reader throws when it cannot be read: the route answers 503 and MLflow delivers again,
 * so an event is never waved through unchecked.
 */
export async function judgeMlflowEvent(body: unknown, registry: RegistryReader | undefined, watched: readonly string[]): Promise<AdapterResult> {
  const event = Event.safeParse(body);
  if (!event.success) return { ok: false, details: event.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  const { entity, action, data, timestamp } = event.data;
  const at = isoOrUndefined(timestamp);
  const kind = `${entity}.${action}`;
  const raw = { event: kind, data: rawOf(data) };

  if (kind === 'model_version_alias.created') {
    const got = AliasCreated.safeParse(data);
    if (!got.success) return invalid(got.error);
    const d = got.data;
    if (!watched.includes(d.alias)) return { ok: true, alerts: [], skipped: [{ reason: `alias ${d.alias} of ${d.name} is not watched (mlflow.watched_aliases: ${watched.join(', ')})` }] };
    const reader = needed(registry);
    const list = await reader.listVersions({ model: d.name });
    const v = list.versions.find((x) => x.version === d.version);
    const reasons = await offPath(reader, v, d.version);
    if (reasons.length === 0) return { ok: true, alerts: [], skipped: [{ reason: `alias ${d.alias} of ${d.name} → version ${d.version}: the approved path (validated, from run ${v!.runId})` }] };
    const title = `Alias ${d.alias} of ${d.name} moved to version ${d.version} outside the approved path`;
    return {
      ok: true,
      alerts: [alert('model.alias_unapproved', title, d.name, d.version, `mlflow:${d.name}:alias:${d.alias}`, { alias: d.alias, registry_event: kind }, { reasons, ...raw }, at)],
      skipped: [],
    };
  }
  if (kind === 'model_version.created') {
    const got = VersionCreated.safeParse(data);
    if (!got.success) return invalid(got.error);
    const d = got.data;
    const reasons = await runReasons(needed(registry), d.run_id);
    if (reasons.length === 0) return { ok: true, alerts: [], skipped: [{ reason: `version ${d.version} of ${d.name} comes from run ${d.run_id}, which the tracking server knows` }] };
    const title = `Version ${d.version} of ${d.name} was registered from an unknown run`;
    return { ok: true, alerts: [alert('model.version_unknown_run', title, d.name, d.version, `mlflow:${d.name}:v${d.version}`, { registry_event: kind }, { reasons, ...raw }, at)], skipped: [] };
  }
  if (kind === 'model_version_tag.set') {
    const got = TagSet.safeParse(data);
    if (!got.success) return invalid(got.error);
    const d = got.data;
    if (WARDEN_QUARANTINE_TAGS.has(d.key)) return { ok: true, alerts: [], skipped: [{ reason: `tag ${d.key} is Warden's own quarantine mark` }] };
    const list = await needed(registry).listVersions({ model: d.name });
    const serving = watched.filter((alias) => list.aliases[alias] === d.version);
    if (serving.length === 0) return { ok: true, alerts: [], skipped: [{ reason: `version ${d.version} of ${d.name} serves no watched alias` }] };
    const title = `Tag ${d.key} changed on ${d.name} version ${d.version}, which serves ${serving.join(', ')}`;
    return {
      ok: true,
      alerts: [
        alert('model.production_tag_changed', title, d.name, d.version, `mlflow:${d.name}:v${d.version}:tags`, { alias: serving[0]!, tag_key: d.key, registry_event: kind }, { serving, ...raw }, at),
      ],
      skipped: [],
    };
  }
  return { ok: true, alerts: [], skipped: [{ reason: `MLflow event ${kind} opens no incident` }] };
}
