/**
 * A GuardDuty finding as EventBridge delivers it (`source: aws.guardduty`, `detail-type:
 * GuardDuty Finding`, the finding in `detail`): one generic alert per event.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { Severity } from '../../../engine/playbook-types.js';
import { ALERT_LIMITS, AWS_ACCESS_KEY_ID_PATTERN, checkShape, fitText, fitType } from '../alert-schema.js';
import { guardDutyFamily } from './guardduty-families.js';
import { compact, isoOrUndefined, isRecord, nonEmpty, rawOf, type AdapterResult } from './types.js';

const loose = z.record(z.string(), z.unknown());

/**
 * The fields every GuardDuty finding carries (id, type, severity, title); the rest is read
 * leniently, so every finding type and resource type (AccessKey, Instance, S3Bucket, EKSCluster,
 * ECSCluster, Container, RDSDBInstance, Lambda… and types added later) is accepted.
 */
const findingSchema = z.object({
  schemaVersion: z.string().nullish(),
  accountId: z.string().nullish(),
  region: z.string().nullish(),
  id: z.string().min(1),
  arn: z.string().nullish(),
  type: z.string().min(1),
  resource: loose.nullish(),
  service: z
    .object({
      action: loose.nullish(),
      count: z.number().nullish(),
      eventFirstSeen: z.string().nullish(),
      eventLastSeen: z.string().nullish(),
    })
    .nullish(),
  severity: z.number().min(0).max(10),
  createdAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
  title: z.string().min(1),
  description: z.string().nullish(),
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

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const rec = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});
const firstNamed = (v: unknown, key: string): string | undefined => (Array.isArray(v) ? v.map((b) => str(rec(b)[key])).find(Boolean) : undefined);

/** What names the resource of each documented resource type. */
const RESOURCE_NAMES: Record<string, (r: Record<string, unknown>) => string | undefined> = {
  AccessKey: (r) => str(rec(r.accessKeyDetails).userName),
  Instance: (r) => str(rec(r.instanceDetails).instanceId),
  S3Bucket: (r) => firstNamed(r.s3BucketDetails, 'name'),
  S3Object: (r) => firstNamed(r.s3BucketDetails, 'name'),
  EKSCluster: (r) => str(rec(r.eksClusterDetails).name),
  KubernetesCluster: (r) => str(rec(r.eksClusterDetails).name),
  ECSCluster: (r) => str(rec(r.ecsClusterDetails).name),
  Container: (r) => str(rec(r.containerDetails).name) ?? str(rec(r.containerDetails).id),
  RDSDBInstance: (r) => str(rec(r.rdsDbInstanceDetails).dbInstanceIdentifier),
  RDSLimitlessDB: (r) => str(rec(r.rdsLimitlessDbDetails).dbShardGroupIdentifier),
  Lambda: (r) => str(rec(r.lambdaDetails).functionName),
  EBSVolume: (r) => firstNamed(rec(r.ebsVolumeDetails).scannedVolumeDetails, 'volumeArn'),
};

/** The affected resource, named by what its type points at; for an unknown type, the first name found. */
function resourceOf(finding: Finding) {
  const r = finding.resource;
  if (!r) return undefined;
  const kind = str(r.resourceType) ?? 'unknown';
  const named = RESOURCE_NAMES[kind]?.(r);
  const name =
    named ??
    Object.values(RESOURCE_NAMES)
      .map((f) => f(r))
      .find(Boolean);
  return name ? { kind: fitText(kind, 64), name: fitText(name, ALERT_LIMITS.fieldMax) } : undefined;
}

/**
 * The principal the finding names. GuardDuty's `accessKeyDetails.userType` says what
 * `userName` is: an IAM user (`IAMUser`), or a role whose temporary credentials were used
 * (`AssumedRole`; its session's ASIA key). Root and federated principals go to labels only.
 */
function principalOf(finding: Finding) {
  const key = rec(finding.resource?.accessKeyDetails);
  const userName = str(key.userName);
  const userType = str(key.userType);
  const keyId = str(key.accessKeyId);
  return nonEmpty(
    compact({
      aws_user: userName && userType === 'IAMUser' ? fitText(userName, ALERT_LIMITS.fieldMax) : undefined,
      aws_role: userName && userType === 'AssumedRole' ? fitText(userName, ALERT_LIMITS.fieldMax) : undefined,
      aws_access_key_id: keyId && AWS_ACCESS_KEY_ID_PATTERN.test(keyId) ? keyId : undefined,
      ip: remoteIpOf(finding.service?.action ?? undefined),
    }),
  );
}

/**
 * Normalizes an EventBridge GuardDuty finding event into one generic alert body, labelled with
 * the finding family (`warden_category`, see guardDutyFamily) that routing reads. Updates of the
 * same finding (same id, a higher count or a later updatedAt) share its fingerprint, so they join
 * its open incident. Another event type or a finding without id, type, severity or title is an
 * error naming each field at fault; the event as sent is kept in `details.raw`.
 */
export function normalizeGuardDuty(body: unknown): AdapterResult {
  const checked = checkShape(eventSchema, body);
  if (!checked.ok) return checked;
  const event = checked.value;
  const finding = event.detail;
  const account = finding.accountId ?? event.account;
  const region = finding.region ?? event.region;
  const userType = str(rec(finding.resource?.accessKeyDetails).userType);
  const alert = compact({
    type: fitType(`aws.guardduty.${finding.type}`),
    severity: guardDutySeverity(finding.severity),
    title: fitText(finding.title, ALERT_LIMITS.titleMax),
    source: 'aws.guardduty',
    observed_at: isoOrUndefined(finding.service?.eventFirstSeen) ?? isoOrUndefined(finding.createdAt),
    fingerprint: fitText(`guardduty:${finding.id}`, ALERT_LIMITS.fingerprintMax),
    resource: resourceOf(finding),
    principal: principalOf(finding),
    labels: compact({
      account: account ? fitText(account, ALERT_LIMITS.labelValueMax) : undefined,
      region: region ? fitText(region, ALERT_LIMITS.labelValueMax) : undefined,
      finding_type: fitText(finding.type, ALERT_LIMITS.labelValueMax),
      aws_principal_type: userType ? fitText(userType, ALERT_LIMITS.labelValueMax) : undefined,
      warden_category: guardDutyFamily(finding.type)?.category,
    }),
    details: compact({
      description: finding.description ?? undefined,
      arn: finding.arn ?? undefined,
      count: finding.service?.count ?? undefined,
      updatedAt: finding.updatedAt ?? undefined,
      raw: rawOf(body),
    }),
  });
  return { ok: true, alerts: [alert], skipped: [] };
}
