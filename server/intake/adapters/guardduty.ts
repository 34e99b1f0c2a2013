/**
 * A GuardDuty finding as EventBridge delivers it (`source: aws.guardduty`, `detail-type:
 * GuardDuty Finding`, the finding in `detail`): one generic alert per event.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { Severity } from '../../../engine/playbook-types.js';
import { ALERT_LIMITS, AWS_ACCESS_KEY_ID_PATTERN, checkShape, fitText, fitType } from '../alert-schema.js';
import { compact, isRecord, nonEmpty, type AdapterResult } from './types.js';

const findingSchema = z.object({
  schemaVersion: z.string().optional(),
  accountId: z.string().optional(),
  region: z.string().optional(),
  id: z.string().min(1),
  arn: z.string().optional(),
  type: z.string().min(1),
  resource: z
    .object({
      resourceType: z.string().optional(),
      accessKeyDetails: z.object({ accessKeyId: z.string().optional(), principalId: z.string().optional(), userName: z.string().optional(), userType: z.string().optional() }).optional(),
      instanceDetails: z.object({ instanceId: z.string().optional() }).optional(),
      s3BucketDetails: z.array(z.object({ name: z.string().optional() })).optional(),
    })
    .optional(),
  service: z
    .object({
      action: z.record(z.string(), z.unknown()).optional(),
      count: z.number().optional(),
      eventFirstSeen: z.string().optional(),
      eventLastSeen: z.string().optional(),
    })
    .optional(),
  severity: z.number().min(0).max(10),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  title: z.string().min(1),
  description: z.string().optional(),
});

const eventSchema = z.object({
  version: z.string().optional(),
  id: z.string().optional(),
  'detail-type': z.literal('GuardDuty Finding', { error: 'must be "GuardDuty Finding"; route only GuardDuty findings to this endpoint' }),
  source: z.literal('aws.guardduty', { error: 'must be "aws.guardduty"' }),
  account: z.string().optional(),
  time: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.unknown()).optional(),
  detail: findingSchema,
});

type Finding = z.infer<typeof findingSchema>;

/**
 * GuardDuty's documented bands: Critical 9.0–10.0, High 7.0–8.9, Medium 4.0–6.9, Low 1.0–3.9.
 * Values below 1.0 (reserved; older findings used 0.1–0.9 as Low) are treated as info.
 */
export function guardDutySeverity(value: number): Severity {
  if (value >= 9) return 'critical';
  if (value >= 7) return 'high';
  if (value >= 4) return 'medium';
  if (value >= 1) return 'low';
  return 'info';
}

/**
 * The remote IP of the activity: every action kind (awsApiCallAction, networkConnectionAction,
 * kubernetesApiCallAction, rdsLoginAttemptAction…) carries `remoteIpDetails`, port probes one
 * per probe in `portProbeDetails`.
 */
function remoteIpOf(action: Readonly<Record<string, unknown>> | undefined): string | undefined {
  for (const value of Object.values(action ?? {})) {
    const holders = isRecord(value) && Array.isArray(value.portProbeDetails) ? (value.portProbeDetails as unknown[]) : [value];
    for (const holder of holders) {
      const details = isRecord(holder) ? holder.remoteIpDetails : undefined;
      if (!isRecord(details)) continue;
      const ip = details.ipAddressV4 ?? details.ipAddressV6;
      if (typeof ip === 'string' && isIP(ip)) return ip;
    }
  }
  return undefined;
}

/** The affected resource, named by what its type points at: the instance, the bucket or the IAM user. */
function resourceOf(finding: Finding) {
  const r = finding.resource;
  if (!r) return undefined;
  const byKind: Record<string, string | undefined> = {
    Instance: r.instanceDetails?.instanceId,
    S3Bucket: r.s3BucketDetails?.find((b) => b.name)?.name,
    AccessKey: r.accessKeyDetails?.userName,
  };
  const kind = r.resourceType ?? 'unknown';
  const name = (Object.hasOwn(byKind, kind) ? byKind[kind] : undefined) ?? byKind.Instance ?? byKind.S3Bucket ?? byKind.AccessKey;
  return name ? { kind: fitText(kind, 64), name: fitText(name, ALERT_LIMITS.fieldMax) } : undefined;
}

/**
 * Normalizes an EventBridge GuardDuty finding event into one generic alert body. Findings whose
 * type names credential exfiltration get the label `warden_category: credential_exfiltration`.
 * Another event type or a malformed finding is an error naming each field at fault.
 */
export function normalizeGuardDuty(body: unknown): AdapterResult {
  const checked = checkShape(eventSchema, body);
  if (!checked.ok) return checked;
  const event = checked.value;
  const finding = event.detail;
  const key = finding.resource?.accessKeyDetails;
  const keyId = key?.accessKeyId && AWS_ACCESS_KEY_ID_PATTERN.test(key.accessKeyId) ? key.accessKeyId : undefined;
  const account = finding.accountId ?? event.account;
  const region = finding.region ?? event.region;
  const alert = compact({
    type: fitType(`aws.guardduty.${finding.type}`),
    severity: guardDutySeverity(finding.severity),
    title: fitText(finding.title, ALERT_LIMITS.titleMax),
    source: 'aws.guardduty',
    observed_at: finding.service?.eventFirstSeen ?? finding.createdAt,
    fingerprint: fitText(`guardduty:${finding.id}`, ALERT_LIMITS.fingerprintMax),
    resource: resourceOf(finding),
    principal: nonEmpty(
      compact({
        aws_user: key?.userName ? fitText(key.userName, ALERT_LIMITS.fieldMax) : undefined,
        aws_access_key_id: keyId,
        ip: remoteIpOf(finding.service?.action),
      }),
    ),
    labels: compact({
      account: account ? fitText(account, ALERT_LIMITS.labelValueMax) : undefined,
      region: region ? fitText(region, ALERT_LIMITS.labelValueMax) : undefined,
      finding_type: fitText(finding.type, ALERT_LIMITS.labelValueMax),
      warden_category: finding.type.includes('CredentialExfiltration') ? 'credential_exfiltration' : undefined,
    }),
    details: compact({ description: finding.description, arn: finding.arn, count: finding.service?.count }),
  });
  return { ok: true, alerts: [alert], skipped: [] };
}
