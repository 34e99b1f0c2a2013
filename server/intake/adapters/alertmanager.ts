/**
 * The Prometheus Alertmanager webhook (`webhook_config`, payload version "4"): one generic alert
 * per entry of `alerts`. Firing entries open an incident or join the open one of their
 * fingerprint (re-notifications of a group); resolved entries only join it, as a resolution.
 */
import { createHash, type BinaryLike } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { Severity } from '../../../engine/playbook-types.js';
import { ALERT_LIMITS, checkShape, fitLabelsWithNames, fitText, fitType } from '../alert-schema.js';
import { compact, isoOrUndefined, isRecord, nonEmpty, rawOf, type AdapterResult } from './types.js';

const stringMap = z.record(z.string(), z.string());

const alertEntry = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: stringMap,
  annotations: stringMap.optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

const webhookSchema = z.object({
  version: z.literal('4', { error: 'must be "4": Warden reads the Alertmanager webhook payload version 4' }),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().optional(),
  groupLabels: stringMap.optional(),
  commonLabels: stringMap.optional(),
  commonAnnotations: stringMap.optional(),
  externalURL: z.string().optional(),
  alerts: z.array(alertEntry),
});

type Webhook = z.infer<typeof webhookSchema>;
type Entry = z.infer<typeof alertEntry>;

/** The `severity` label as Warden severities; anything else is medium. */
const SEVERITY_BY_LABEL = new Map<string, Severity>([
  ['critical', 'critical'],
  ['page', 'critical'],
  ['error', 'high'],
  ['high', 'high'],
  ['warning', 'medium'],
  ['warn', 'medium'],
  ['medium', 'medium'],
  ['low', 'low'],
  ['info', 'info'],
  ['none', 'info'],
]);

const sha256 = (data: BinaryLike): string => createHash('sha256').update(data).digest('hex');

/** Alertmanager's own fingerprint, or (when a sender omits it) a hash of the sorted labels. */
function fingerprintOf(entry: Entry): string {
  if (entry.fingerprint) return fitText(`alertmanager:${entry.fingerprint}`, ALERT_LIMITS.fingerprintMax);
  const sorted = Object.entries(entry.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `alertmanager:labels:${sha256(JSON.stringify(sorted)).slice(0, 32)}`;
}

const field = (v: string | undefined): string | undefined => (v ? fitText(v, ALERT_LIMITS.fieldMax) : undefined);

function resourceOf(labels: Readonly<Record<string, string>>) {
  if (labels.model) return compact({ kind: 'model', name: fitText(labels.model, ALERT_LIMITS.fieldMax), version: labels.model_version ? fitText(labels.model_version, 128) : undefined });
  const service = labels.instance ?? labels.job;
  return service ? { kind: 'service', name: fitText(service, ALERT_LIMITS.fieldMax) } : undefined;
}

function toGenericAlert(entry: Entry, hook: Webhook, raw: unknown): Record<string, unknown> {
  const { labels } = entry;
  const annotations = entry.annotations ?? {};
  const name = labels.alertname ?? 'alert';
  const ip = labels.ip && isIP(labels.ip) ? labels.ip : undefined;
  // UTF-8 label names (Alertmanager 0.28+) are escaped into keys, never dropped; the sender's
  // names are listed in details.label_names and the entry as sent is in details.raw.
  const fitted = fitLabelsWithNames(labels);
  const resolved = entry.status === 'resolved';
  return compact({
    // Labels are the sender's text: warden_type refines the type only under prometheus.*, so a label
    // can reach only playbooks whose triggers name prometheus types, never credential.leaked & co.
    type: fitType(`prometheus.${labels.warden_type ?? name}`),
    severity: SEVERITY_BY_LABEL.get((labels.severity ?? '').toLowerCase()) ?? 'medium',
    title: fitText(annotations.summary ?? labels.alertname ?? `Alertmanager alert ${entry.fingerprint ?? ''}`.trim(), ALERT_LIMITS.titleMax),
    source: 'alertmanager',
    observed_at: isoOrUndefined(entry.startsAt),
    fingerprint: fingerprintOf(entry),
    resource: resourceOf(labels),
    principal: nonEmpty(compact({ user: field(labels.user), aws_user: field(labels.aws_user), ip })),
    labels: fitted.labels,
    status: resolved ? 'resolved' : undefined,
    resolved_at: resolved ? isoOrUndefined(entry.endsAt) : undefined,
    details: compact({
      annotations,
      generatorURL: entry.generatorURL,
      groupKey: hook.groupKey,
      externalURL: hook.externalURL,
      label_names: Object.keys(fitted.escaped).length > 0 ? fitted.escaped : undefined,
      raw: rawOf(raw),
    }),
  });
}

/**
 * Normalizes an Alertmanager webhook body. Firing alerts become generic alert bodies; resolved
 * ones become follow-ups with status "resolved" (they only join an open incident); alerts
 * Alertmanager truncated (`truncatedAlerts`) are listed in `skipped`. A body of another version
 * or shape is an error naming each field at fault.
 */
export function normalizeAlertmanager(body: unknown): AdapterResult {
  const checked = checkShape(webhookSchema, body);
  if (!checked.ok) return checked;
  const hook = checked.value;
  const rawEntries = isRecord(body) && Array.isArray(body.alerts) ? (body.alerts as unknown[]) : [];
  const alerts: unknown[] = [];
  const followUps: unknown[] = [];
  const skipped: { reason: string }[] = [];
  hook.alerts.forEach((entry, i) => (entry.status === 'firing' ? alerts : followUps).push(toGenericAlert(entry, hook, rawEntries[i])));
  if (hook.truncatedAlerts) skipped.push({ reason: `${hook.truncatedAlerts} alerts were truncated by Alertmanager (max_alerts) and not delivered` });
  return { ok: true, alerts, followUps, skipped };
}
