/**
 * An audit record as an OCSF 1.3 event (Open Cybersecurity Schema Framework), where a class fits:
 *
 * | record                            | OCSF class                     |
 * | --------------------------------- | ------------------------------ |
 * | alert.accepted                    | 2004 Detection Finding (Create)|
 * | alert.refused, token.use          | 6003 API Activity              |
 * | step.applied                      | 6003 API Activity (Update: Warden's call that changed the peer) |
 * | offboarding.revoked, review.enforced | 3001 Account Change (Other) |
 * | incident.state                    | 2005 Incident Finding (Update) |
 * | anything else                     | 0 Base Event (Other)           |
 *
 * The record itself stays whole in `unmapped.warden`, and its hash is `metadata.uid`.
 */
import type { AuditRecord } from '../../../contracts/audit.js';

interface OcsfClass {
  readonly uid: number;
  readonly name: string;
  readonly category: readonly [number, string];
  readonly activity: readonly [number, string];
}

const API: OcsfClass['category'] = [6, 'Application Activity'];
const FINDINGS: OcsfClass['category'] = [2, 'Findings'];
const IAM: OcsfClass['category'] = [3, 'Identity & Access Management'];

const METHOD_ACTIVITY: Record<string, readonly [number, string]> = { POST: [1, 'Create'], PUT: [3, 'Update'], PATCH: [3, 'Update'], DELETE: [4, 'Delete'] };

function classOf(r: AuditRecord): OcsfClass {
  switch (r.kind) {
    case 'alert.accepted':
      return { uid: 2004, name: 'Detection Finding', category: FINDINGS, activity: [1, 'Create'] };
    case 'alert.refused':
      return { uid: 6003, name: 'API Activity', category: API, activity: [1, 'Create'] };
    case 'token.use':
      return { uid: 6003, name: 'API Activity', category: API, activity: METHOD_ACTIVITY[r.subject.split(' ')[0] ?? ''] ?? [99, 'Other'] };
    case 'step.applied':
      return { uid: 6003, name: 'API Activity', category: API, activity: [3, 'Update'] };
    case 'offboarding.revoked':
    case 'review.enforced':
      return { uid: 3001, name: 'Account Change', category: IAM, activity: [99, 'Other'] };
    case 'incident.state':
      return { uid: 2005, name: 'Incident Finding', category: FINDINGS, activity: [2, 'Update'] };
    default:
      return { uid: 0, name: 'Base Event', category: [0, 'Uncategorized'], activity: [99, 'Other'] };
  }
}

/** Failure for refusals and answers of 400 or more; success otherwise. */
function statusOf(r: AuditRecord): { status_id: number; status: string } {
  const status = typeof r.details.status === 'number' ? r.details.status : undefined;
  return r.kind === 'alert.refused' || (status !== undefined && status >= 400) ? { status_id: 2, status: 'Failure' } : { status_id: 1, status: 'Success' };
}

export function toOcsf(r: AuditRecord): Record<string, unknown> {
  const c = classOf(r);
  return {
    class_uid: c.uid,
    class_name: c.name,
    category_uid: c.category[0],
    category_name: c.category[1],
    activity_id: c.activity[0],
    activity_name: c.activity[1],
    type_uid: c.uid * 100 + c.activity[0],
    time: Date.parse(r.time),
    severity_id: 1,
    severity: 'Informational',
    ...statusOf(r),
    message: `${r.kind} ${r.subject}`,
    actor: { user: { name: r.actor } },
    metadata: { version: '1.3.0', product: { name: 'Warden', vendor_name: 'Warden' }, uid: r.hash, sequence: r.seq, correlation_uid: r.subject, event_code: r.kind },
    unmapped: { warden: r },
  };
}
