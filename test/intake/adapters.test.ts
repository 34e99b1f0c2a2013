import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeAlertmanager } from '../../server/intake/adapters/alertmanager.js';
import { normalizeSecretScanning, verifyGitHubSignature } from '../../server/intake/adapters/github-secret-scanning.js';
import { guardDutySeverity, normalizeGuardDuty } from '../../server/intake/adapters/guardduty.js';
import type { AdapterResult } from '../../server/intake/adapters/types.js';
import { parseAlert } from '../../server/intake/alert-schema.js';
import { redactAlert } from '../../server/intake/redact.js';

// Asymmetric matchers are typed any; these give them a type the linter accepts.
const containing = (s: string): unknown => expect.stringContaining(s);
const matching = (re: RegExp): unknown => expect.stringMatching(re);
const objectContaining = (o: Record<string, unknown>): unknown => expect.objectContaining(o);

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** The alerts of a successful result, each checked by parseAlert as the intake route does. */
function alertsOf(result: AdapterResult): unknown[] {
  if (!result.ok) throw new Error(`adapter rejected the payload: ${JSON.stringify(result.details)}`);
  for (const alert of result.alerts) expect(parseAlert(alert)).toEqual({ ok: true, alert });
  return result.alerts;
}

const detailsOf = (result: AdapterResult) => (result.ok ? [] : result.details);

describe('Alertmanager webhook (version 4)', () => {
  it('makes one generic alert per firing alert and a resolution follow-up of the resolved one', () => {
    const result = normalizeAlertmanager(fixture('alertmanager-v4.json'));
    expect(alertsOf(result)).toEqual([
      {
        type: 'prometheus.InferenceErrorRateHigh',
        severity: 'critical',
        title: 'fraud-scorer v14 returns errors for 23% of requests',
        source: 'alertmanager',
        observed_at: '2025-03-14T09:52:26.739266876+01:00',
        fingerprint: 'alertmanager:4c1e8f2a9b7d3e60',
        resource: { kind: 'model', name: 'fraud-scorer', version: '14' },
        labels: { alertname: 'InferenceErrorRateHigh', model: 'fraud-scorer', model_version: '14', namespace: 'ml-serving', severity: 'page', team: 'mlops' },
        details: {
          annotations: {
            summary: 'fraud-scorer v14 returns errors for 23% of requests',
            description: 'The 5xx ratio of fraud-scorer has been above 20% for 10 minutes.',
            runbook_url: 'https://runbooks.example.com/ml/inference-errors',
          },
          generatorURL: 'http://prometheus.example.com:9090/graph?g0.expr=job%3Ainference_errors%3Aratio5m+%3E+0.2&g0.tab=1',
          groupKey: '{}:{}',
          externalURL: 'http://alertmanager.example.com:9093',
          raw: objectContaining({ fingerprint: '4c1e8f2a9b7d3e60' }),
        },
      },
      objectContaining({
        type: 'prometheus.data.exfiltration_suspected', // a label never leaves the prometheus.* namespace
        severity: 'medium',
        title: '10.0.3.17 sent 42 GiB to one external address in an hour',
        fingerprint: 'alertmanager:a90b12cd34ef5678',
        resource: { kind: 'service', name: '10.0.3.17:9100' },
        principal: { user: 'jdoe', ip: '203.0.113.45' },
      }),
    ]);
    // The resolved one only joins an open incident, as its resolution: it opens nothing.
    expect(result).toMatchObject({ skipped: [], followUps: [{ status: 'resolved', labels: objectContaining({ alertname: 'DiskPressure' }) }] });
  });

  it('maps the severity label, defaulting to medium', () => {
    const severityFor = (severity?: string): unknown => {
      const labels = { alertname: 'X', ...(severity === undefined ? {} : { severity }) };
      const [alert] = alertsOf(normalizeAlertmanager({ version: '4', alerts: [{ status: 'firing', labels }] }));
      return (alert as { severity: string }).severity;
    };
    const expected: [string | undefined, string][] = [
      ['critical', 'critical'],
      ['page', 'critical'],
      ['error', 'high'],
      ['HIGH', 'high'],
      ['warning', 'medium'],
      ['warn', 'medium'],
      ['medium', 'medium'],
      ['low', 'low'],
      ['info', 'info'],
      ['none', 'info'],
      ['whatever', 'medium'],
      ['constructor', 'medium'],
      [undefined, 'medium'],
    ];
    for (const [label, severity] of expected) expect(severityFor(label)).toBe(severity);
  });

  it('fits foreign labels and names, and fingerprints by labels when the sender gives none', () => {
    const labels = { alertname: 'High memory usage', 'bad key': 'x', long: 'v'.repeat(300), ip: 'not-an-ip' };
    const body = { version: '4', alerts: [{ status: 'firing', labels, annotations: {} }] };
    const [alert] = alertsOf(normalizeAlertmanager(body)) as Record<string, unknown>[];
    expect(alert).toMatchObject({ type: 'prometheus.High_memory_usage', title: 'High memory usage', fingerprint: matching(/^alertmanager:labels:[0-9a-f]{32}$/) });
    // A UTF-8 label name is escaped (Prometheus' values escaping), not dropped; the sender's name is kept.
    expect(alert?.labels).toEqual({ alertname: 'High memory usage', ip: 'not-an-ip', long: `${'v'.repeat(255)}…`, U__bad_20_key: 'x' });
    expect(alert?.details).toMatchObject({ label_names: { U__bad_20_key: 'bad key' } });
    expect(alert?.principal).toBeUndefined();
    const [again] = alertsOf(normalizeAlertmanager(body)) as Record<string, unknown>[];
    expect(again?.fingerprint).toBe(alert?.fingerprint);
  });

  it('reports alerts Alertmanager truncated', () => {
    const result = normalizeAlertmanager({ version: '4', truncatedAlerts: 3, alerts: [] });
    expect(result).toEqual({ ok: true, alerts: [], followUps: [], skipped: [{ reason: containing('3 alerts were truncated') }] });
  });

  it('rejects another version or a wrong shape, naming each field', () => {
    expect(detailsOf(normalizeAlertmanager({ ...fixture('alertmanager-v4.json'), version: '3' }))).toEqual([{ path: 'version', message: containing('must be "4"') }]);
    expect(detailsOf(normalizeAlertmanager({ version: '4', alerts: [{ status: 'pending', labels: { a: 1 } }] }))).toEqual([
      { path: 'alerts.0.status', message: 'must be one of: "firing", "resolved"' },
      { path: 'alerts.0.labels.a', message: 'must be a string' },
    ]);
    expect(detailsOf(normalizeAlertmanager({ version: '4' }))).toEqual([{ path: 'alerts', message: 'is required' }]);
    expect(detailsOf(normalizeAlertmanager('nope'))).toEqual([{ path: '', message: 'must be an object' }]);
  });
});

describe('GuardDuty findings from EventBridge', () => {
  it('normalizes an instance credential exfiltration finding', () => {
    expect(alertsOf(normalizeGuardDuty(fixture('guardduty-credential-exfiltration.json')))).toEqual([
      {
        type: 'aws.guardduty.UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
        severity: 'high',
        title: 'Credentials for instance role inference-node-role used from external IP address.',
        source: 'aws.guardduty',
        observed_at: '2025-03-14T09:58:40Z',
        fingerprint: 'guardduty:8ec8a2f0c6e1b6d1f3a5e7c9b1d3f5a7',
        resource: { kind: 'AccessKey', name: 'inference-node-role' },
        // userType AssumedRole: the name is a role's, not an IAM user's.
        principal: { aws_role: 'inference-node-role', aws_access_key_id: 'ASIAEXAMPLE7QRSTUVWX', ip: '198.51.100.77' },
        labels: {
          account: '111122223333',
          region: 'us-east-1',
          finding_type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
          aws_principal_type: 'AssumedRole',
          warden_category: 'credential_exfiltration',
        },
        details: {
          description: containing('used from external IP address 198.51.100.77'),
          arn: 'arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d567e8fa901bc2d34eexample/finding/8ec8a2f0c6e1b6d1f3a5e7c9b1d3f5a7',
          count: 3,
          updatedAt: matching(/^2025-/),
          raw: objectContaining({ source: 'aws.guardduty' }),
        },
      },
    ]);
  });

  it('names an S3 finding by its bucket', () => {
    const [alert] = alertsOf(normalizeGuardDuty(fixture('guardduty-s3.json')));
    expect(alert).toMatchObject({
      type: 'aws.guardduty.Exfiltration:S3/MaliciousIPCaller',
      severity: 'high',
      resource: { kind: 'S3Bucket', name: 'example-training-data' },
      principal: { aws_user: 'training-data-sync', aws_access_key_id: 'AKIAEXAMPLE234567ABC', ip: '203.0.113.200' },
      labels: { account: '111122223333', region: 'eu-west-1', finding_type: 'Exfiltration:S3/MaliciousIPCaller' },
      details: { count: 57 },
    });
    expect((alert as { labels: object }).labels).toHaveProperty('warden_category', 's3_exfiltration');
  });

  it('maps severity by the GuardDuty bands', () => {
    const expected: [number, string][] = [
      [10, 'critical'],
      [9, 'critical'],
      [8.9, 'high'],
      [7, 'high'],
      [6.9, 'medium'],
      [4, 'medium'],
      [3.9, 'low'],
      [1, 'low'],
      [0.5, 'info'],
    ];
    for (const [value, severity] of expected) expect(guardDutySeverity(value)).toBe(severity);
  });

  it('sanitizes the type, keeps placeholder key ids out, and finds the IP of other action kinds', () => {
    const event = fixture('guardduty-credential-exfiltration.json');
    const detail = event.detail as Record<string, unknown>;
    const body = {
      ...event,
      detail: {
        ...detail,
        type: 'Backdoor:EC2/C&CActivity.B!DNS',
        createdAt: '2025-03-14T10:00:00Z',
        resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-0a1b2c3d4e5f67890' }, accessKeyDetails: { accessKeyId: 'GeneratedFindingAccessKeyId' } },
        service: { action: { actionType: 'PORT_PROBE', portProbeAction: { portProbeDetails: [{ remoteIpDetails: { ipAddressV4: '192.0.2.9' } }] } } },
      },
    };
    const [alert] = alertsOf(normalizeGuardDuty(body));
    expect(alert).toMatchObject({
      type: 'aws.guardduty.Backdoor:EC2/C_CActivity.B_DNS',
      observed_at: '2025-03-14T10:00:00Z',
      resource: { kind: 'Instance', name: 'i-0a1b2c3d4e5f67890' },
      principal: { ip: '192.0.2.9' },
    });
    expect((alert as { principal: object }).principal).not.toHaveProperty('aws_access_key_id');
  });

  it('rejects other events and malformed findings, naming each field', () => {
    const event = fixture('guardduty-s3.json');
    expect(detailsOf(normalizeGuardDuty({ ...event, 'detail-type': 'GuardDuty Runtime Protection Healthy' }))).toEqual([{ path: 'detail-type', message: containing('must be "GuardDuty Finding"') }]);
    const detail = { ...(event.detail as Record<string, unknown>), severity: 'HIGH', id: undefined };
    expect(detailsOf(normalizeGuardDuty({ ...event, detail }))).toEqual([
      { path: 'detail.id', message: 'is required' },
      { path: 'detail.severity', message: 'must be a number' },
    ]);
    expect(detailsOf(normalizeGuardDuty({ source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding' }))).toEqual([{ path: 'detail', message: 'is required' }]);
  });
});

describe('GitHub secret scanning webhook', () => {
  const SECRET = 'webhook-secret-for-tests';
  const body = Buffer.from(JSON.stringify(fixture('github-secret-scanning-created.json')));
  const sign = (raw: Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

  it('accepts the right signature and rejects wrong, missing, mis-prefixed and short ones', () => {
    expect(verifyGitHubSignature(body, sign(body), SECRET)).toBe(true);
    expect(verifyGitHubSignature(body, sign(body, 'another-secret'), SECRET)).toBe(false);
    expect(verifyGitHubSignature(Buffer.concat([body, Buffer.from(' ')]), sign(body), SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, undefined, SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, '', SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, sign(body).replace('sha256=', 'sha1='), SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, sign(body).slice(0, -2), SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, `${sign(body)}00`, SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, sign(body, ''), '')).toBe(false);
  });

  it('turns a created alert into a critical incident alert without the secret', () => {
    const payload = fixture('github-secret-scanning-created.json');
    const secret = (payload.alert as { secret: string }).secret;
    const result = normalizeSecretScanning('secret_scanning_alert', payload);
    const alerts = alertsOf(result);
    expect(alerts).toEqual([
      {
        type: 'github.secret_scanning',
        severity: 'critical',
        title: 'GitHub Personal Access Token exposed in example-org/model-serving',
        source: 'github',
        observed_at: '2025-03-14T12:01:09Z',
        fingerprint: 'github-secret:example-org/model-serving#42',
        resource: { kind: 'repository', name: 'example-org/model-serving', uri: 'https://github.com/example-org/model-serving/security/secret-scanning/42' },
        principal: { github_login: 'dev-jamie' },
        labels: {
          secret_type: 'github_personal_access_token',
          repository: 'example-org/model-serving',
          visibility: 'private',
          validity: 'active',
          github_event: 'secret_scanning_alert.created',
        },
        details: {
          alert_number: 42,
          html_url: 'https://github.com/example-org/model-serving/security/secret-scanning/42',
          action: 'created',
          push_protection_bypassed_by: 'dev-jamie',
          sender: 'dev-jamie',
          raw: objectContaining({ action: 'created' }),
        },
      },
    ]);
    expect(JSON.stringify(result)).not.toContain(secret);
    const parsed = parseAlert(alerts[0]);
    if (!parsed.ok) throw new Error('the normalized alert must parse');
    expect(JSON.stringify(redactAlert(parsed.alert))).not.toContain(secret);
  });

  it('rates an alert high unless the secret is active or publicly leaked', () => {
    const payload = fixture('github-secret-scanning-created.json');
    const alert = payload.alert as Record<string, unknown>;
    const severity = (action: string, patch: Record<string, unknown>) =>
      (alertsOf(normalizeSecretScanning('secret_scanning_alert', { ...payload, action, alert: { ...alert, ...patch } }))[0] as { severity: string }).severity;
    expect(severity('created', { validity: 'unknown' })).toBe('high');
    expect(severity('reopened', { validity: 'inactive' })).toBe('high');
    expect(severity('created', { validity: 'unknown', publicly_leaked: true })).toBe('critical');
    expect(severity('publicly_leaked', { validity: 'unknown' })).toBe('critical');
  });

  it('keeps the secret out even where a field repeats it', () => {
    const payload = fixture('github-secret-scanning-created.json');
    const alert = payload.alert as Record<string, unknown>;
    const planted = { ...payload, alert: { ...alert, secret_type_display_name: `Token ${String(alert.secret)}` } };
    const result = normalizeSecretScanning('secret_scanning_alert', planted);
    expect(JSON.stringify(result)).not.toContain(String(alert.secret));
  });

  it('makes a resolved alert a resolution follow-up (when, by whom) and skips pings with the reason', () => {
    const resolved = normalizeSecretScanning('secret_scanning_alert', fixture('github-secret-scanning-resolved.json'));
    expect(resolved).toMatchObject({ ok: true, alerts: [], skipped: [], followUps: [{ status: 'resolved', resolved_at: matching(/^20/), resolved_by: matching(/./) }] });
    expect(normalizeSecretScanning('ping', { zen: 'Keep it logically awesome.', hook_id: 1 })).toEqual({ ok: true, alerts: [], skipped: [{ reason: containing('ping') }] });
    // A "ping" that is not GitHub's (no hook_id) is refused, naming the field: it cannot pass as a delivery.
    expect(detailsOf(normalizeSecretScanning('ping', []))).toEqual([expect.objectContaining({ path: expect.any(String) as string })]);
    expect(detailsOf(normalizeSecretScanning('ping', { zen: 'x' }))).toEqual([expect.objectContaining({ path: 'hook_id' })]);
  });

  it('rejects other events, a missing event header and malformed payloads, naming each field', () => {
    expect(detailsOf(normalizeSecretScanning('push', {}))).toEqual([{ path: 'X-GitHub-Event', message: containing('"push" is not read here') }]);
    expect(detailsOf(normalizeSecretScanning(undefined, {}))).toEqual([{ path: 'X-GitHub-Event', message: containing('is required') }]);
    const payload = fixture('github-secret-scanning-created.json');
    const broken = { ...payload, alert: { ...(payload.alert as object), number: 'forty-two' }, repository: { full_name: 'x/y' } };
    const details = detailsOf(normalizeSecretScanning('secret_scanning_alert', broken));
    // repository.private is optional in GitHub's schemas (GHES payloads may omit it): not a fault.
    expect(details).toEqual([{ path: 'alert.number', message: 'must be a number' }]);
    expect(JSON.stringify(details)).not.toContain(String((payload.alert as { secret: string }).secret));
  });
});
