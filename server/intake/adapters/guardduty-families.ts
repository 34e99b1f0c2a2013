/**
 * GuardDuty finding families, read from the documented finding type format
 * `ThreatPurpose:ResourceTypeAffected/ThreatFamilyName.DetectionMechanism!Artifact`
 * (AWS GuardDuty User Guide, "GuardDuty finding format"). Each family is a `warden_category`
 * label on the alert, which routing (route-playbook.ts) maps to the playbook that handles it.
 */

export type GuardDutyCategory = 'credential_exfiltration' | 'credential_misuse' | 'logging_weakened' | 's3_exfiltration' | 's3_tampering';

export interface GuardDutyFamily {
  readonly category: GuardDutyCategory;
  /** Why, in the words of the finding type: shown on the incident with the routing. */
  readonly why: string;
}

/** Stealth findings that weaken logging or auditing (CloudTrail off, S3 access logs off, a weaker password policy). */
const LOGGING_FAMILIES = ['CloudTrailLoggingDisabled', 'PasswordPolicyChange', 'S3ServerAccessLoggingDisabled', 'ServerAccessLoggingDisabled'];

/** `ThreatPurpose`, `ResourceTypeAffected` and `ThreatFamilyName` of a finding type. */
export function parseFindingType(type: string): { purpose: string; resource: string; family: string } {
  const [purpose = '', rest = ''] = type.split(':', 2);
  const [resource = '', family = ''] = rest.split('/', 2);
  return { purpose, resource, family: family.split('!')[0] ?? '' };
}

/**
 * The family of a finding type, or undefined when Warden has no playbook family for it (EC2
 * malware, crypto-mining, Kubernetes and runtime findings go to triage):
 * - instance credentials used from elsewhere (`…/InstanceCredentialExfiltration.OutsideAWS|InsideAWS`): credential_exfiltration;
 * - changes that weaken logging (`Stealth:IAMUser/CloudTrailLoggingDisabled`, `Stealth:S3/ServerAccessLoggingDisabled`, `Stealth:IAMUser/PasswordPolicyChange`): logging_weakened;
 * - any other finding about an IAM user's or role's credentials (`*:IAMUser/*`, `AttackSequence:IAM/*`): credential_misuse;
 * - anomalous writes, deletes or permission changes in S3 (`Impact:S3/*`): s3_tampering;
 * - other anomalous S3 access (`Exfiltration:S3/*`, `Discovery:S3/*`, `UnauthorizedAccess:S3/*`, `PenTest:S3/*`, `Policy:S3/*`, `AttackSequence:S3/*`): s3_exfiltration.
 */
export function guardDutyFamily(type: string): GuardDutyFamily | undefined {
  const { purpose, resource, family } = parseFindingType(type);
  if (family.startsWith('InstanceCredentialExfiltration')) {
    return { category: 'credential_exfiltration', why: `${type}: credentials of an instance role were used from outside that instance` };
  }
  if (purpose === 'Stealth' && LOGGING_FAMILIES.some((f) => family.startsWith(f))) {
    return { category: 'logging_weakened', why: `${type}: logging or auditing was weakened by the principal the finding names` };
  }
  if (resource === 'IAMUser' || resource === 'IAM') {
    return { category: 'credential_misuse', why: `${type}: an IAM user's or role's credentials were used anomalously` };
  }
  if (resource === 'S3' && purpose === 'Impact') {
    return { category: 's3_tampering', why: `${type}: objects or permissions of an S3 bucket were changed anomalously` };
  }
  if (resource === 'S3') return { category: 's3_exfiltration', why: `${type}: an S3 bucket was accessed or exposed anomalously` };
  return undefined;
}
