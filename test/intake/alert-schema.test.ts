import { describe, expect, it } from 'vitest';
import { alertSchema, fitLabels, fitText, fitType, parseAlert } from '../../server/intake/alert-schema.js';

// Asymmetric matchers are typed any; this gives it a type the linter accepts.
const containing = (s: string): unknown => expect.stringContaining(s);

const NOW = new Date('2025-03-14T12:00:00Z');
const minimal = { type: 'credential.leaked', severity: 'high', title: 'Key in a public gist', source: 'manual' };
const full = {
  ...minimal,
  observed_at: '2025-03-14T11:58:00.123+01:00',
  fingerprint: 'gist:abc123',
  resource: { kind: 'model', name: 'fraud-scorer', version: '14', uri: 'models:/fraud-scorer/14' },
  principal: {
    user: 'jdoe',
    email: 'jdoe@example.com',
    aws_user: 'jdoe-ci',
    aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE',
    github_login: 'jdoe',
    ip: '2001:db8::1',
  },
  labels: { team: 'mlops', 'env.name': 'prod', _x: '' },
  details: { tool_calls: [{ name: 'search', args: { q: 'x' } }], score: 0.93, flagged: true, note: null },
};

/** The problems for `body`, which must be rejected. */
function problems(body: unknown, now = NOW): { path: string; message: string }[] {
  const result = parseAlert(body, now);
  if (result.ok) throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
  return result.details;
}

const accepted = (body: unknown, now = NOW): boolean => parseAlert(body, now).ok;

describe('parseAlert: valid alerts', () => {
  it('accepts a minimal alert and adds nothing to it', () => {
    expect(parseAlert(minimal, NOW)).toEqual({ ok: true, alert: minimal });
  });

  it('accepts every field and returns them unchanged', () => {
    const result = parseAlert(full, NOW);
    expect(result).toEqual({ ok: true, alert: full });
  });

  it('accepts each severity', () => {
    for (const severity of ['info', 'low', 'medium', 'high', 'critical']) expect(accepted({ ...minimal, severity })).toBe(true);
  });

  it('accepts observed_at in UTC, with an offset and with nanoseconds, and an IPv4 address', () => {
    for (const observed_at of ['2025-03-14T12:00:00Z', '2025-03-14T09:52:26.739266876+01:00']) expect(accepted({ ...minimal, observed_at })).toBe(true);
    expect(accepted({ ...minimal, principal: { ip: '198.51.100.7' } })).toBe(true);
  });

  it('allows tab, newline and carriage return in text', () => {
    expect(accepted({ ...minimal, title: 'line one\n\tline two\r\n' })).toBe(true);
  });
});

describe('parseAlert: required fields and types', () => {
  it('names each missing required field', () => {
    expect(problems({})).toEqual([
      { path: 'type', message: 'is required' },
      { path: 'severity', message: 'is required' },
      { path: 'title', message: 'is required' },
      { path: 'source', message: 'is required' },
    ]);
  });

  it('rejects a body that is not an object at the root path', () => {
    expect(problems([minimal])).toEqual([{ path: '', message: 'must be an object' }]);
    expect(problems('alert')).toEqual([{ path: '', message: 'must be an object' }]);
  });

  it('rejects a wrong type and an unknown severity with the allowed values', () => {
    expect(problems({ ...minimal, title: 42 })).toEqual([{ path: 'title', message: 'must be a string' }]);
    expect(problems({ ...minimal, severity: 'urgent' })).toEqual([{ path: 'severity', message: 'must be one of: "info", "low", "medium", "high", "critical"' }]);
  });

  it('rejects unknown fields, at the top and nested, one problem each', () => {
    expect(problems({ ...minimal, extra: 1, received_at: '2025-03-14T12:00:00Z' })).toEqual([
      { path: 'extra', message: 'is not a known field' },
      { path: 'received_at', message: 'is not a known field' },
    ]);
    expect(problems({ ...minimal, principal: { phone: '555' } })).toEqual([{ path: 'principal.phone', message: 'is not a known field' }]);
    expect(problems({ ...minimal, resource: { kind: 'model', name: 'm', owner: 'x' } })).toEqual([{ path: 'resource.owner', message: 'is not a known field' }]);
  });

  it('requires kind and name in a resource', () => {
    expect(problems({ ...minimal, resource: { version: '1' } })).toEqual([
      { path: 'resource.kind', message: 'is required' },
      { path: 'resource.name', message: 'is required' },
    ]);
  });
});

describe('parseAlert: limits', () => {
  it('bounds type by pattern and length (128)', () => {
    expect(accepted({ ...minimal, type: `a${'b'.repeat(127)}` })).toBe(true);
    expect(accepted({ ...minimal, type: 'aws.guardduty.UnauthorizedAccess:IAMUser/Exfil-1' })).toBe(true);
    for (const type of [`a${'b'.repeat(128)}`, 'has space', '.starts-with-dot', '']) {
      expect(problems({ ...minimal, type })[0]).toMatchObject({ path: 'type', message: containing('must start with a letter or digit') });
    }
  });

  it('bounds title (1..500), source (1..128) and fingerprint (1..256)', () => {
    expect(accepted({ ...minimal, title: 't'.repeat(500), source: 's'.repeat(128), fingerprint: 'f'.repeat(256) })).toBe(true);
    expect(problems({ ...minimal, title: '' })).toEqual([{ path: 'title', message: 'must not be empty' }]);
    expect(problems({ ...minimal, title: 't'.repeat(501) })).toEqual([{ path: 'title', message: 'must be at most 500 characters' }]);
    expect(problems({ ...minimal, source: 's'.repeat(129) })).toEqual([{ path: 'source', message: 'must be at most 128 characters' }]);
    expect(problems({ ...minimal, fingerprint: '' })).toEqual([{ path: 'fingerprint', message: 'must not be empty' }]);
    expect(problems({ ...minimal, fingerprint: 'f'.repeat(257) })).toEqual([{ path: 'fingerprint', message: 'must be at most 256 characters' }]);
  });

  it('allows at most 50 labels', () => {
    const labels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect(accepted({ ...minimal, labels: labels(50) })).toBe(true);
    expect(problems({ ...minimal, labels: labels(51) })).toEqual([{ path: 'labels', message: 'must have at most 50 labels' }]);
  });

  it('checks label keys (pattern, 63 characters) and values (256 characters) at the label path', () => {
    expect(accepted({ ...minimal, labels: { [`k${'x'.repeat(62)}`]: 'v'.repeat(256) } })).toBe(true);
    expect(problems({ ...minimal, labels: { '1team': 'x' } })).toEqual([{ path: 'labels.1team', message: containing('label keys start with a letter or _') }]);
    expect(problems({ ...minimal, labels: { [`k${'x'.repeat(63)}`]: 'v' } })[0]?.path).toBe(`labels.k${'x'.repeat(63)}`);
    expect(problems({ ...minimal, labels: { team: 'v'.repeat(257) } })).toEqual([{ path: 'labels.team', message: 'must be at most 256 characters' }]);
    expect(problems({ ...minimal, labels: { team: 7 } })).toEqual([{ path: 'labels.team', message: 'must be a string' }]);
  });

  it('requires observed_at to be an ISO 8601 date-time with a time zone', () => {
    for (const observed_at of ['2025-03-14T12:00:00', '2025-03-14', 'yesterday', '2025-02-30T00:00:00Z']) {
      expect(problems({ ...minimal, observed_at })).toEqual([{ path: 'observed_at', message: containing('ISO 8601 date-time with a time zone') }]);
    }
  });

  it('rejects observed_at more than 5 minutes after now, and reads the clock at parse time', () => {
    expect(accepted({ ...minimal, observed_at: '2025-03-14T12:04:59Z' })).toBe(true);
    expect(problems({ ...minimal, observed_at: '2025-03-14T12:05:01Z' })).toEqual([{ path: 'observed_at', message: 'must not be more than 5 minutes in the future' }]);
    expect(problems({ ...minimal, observed_at: new Date(Date.now() + 3_600_000).toISOString() }, undefined)[0]?.path).toBe('observed_at');

    let clock = new Date('2025-03-14T12:00:00Z');
    const schema = alertSchema(() => clock);
    const later = { ...minimal, observed_at: '2025-03-14T12:10:00Z' };
    expect(schema.safeParse(later).success).toBe(false);
    clock = new Date('2025-03-14T12:06:00Z');
    expect(schema.safeParse(later).success).toBe(true);
  });

  it('checks principal email, ip and aws_access_key_id', () => {
    expect(problems({ ...minimal, principal: { email: 'not-an-email' } })).toEqual([{ path: 'principal.email', message: 'must be a valid email address' }]);
    expect(problems({ ...minimal, principal: { ip: '999.1.1.1' } })).toEqual([{ path: 'principal.ip', message: 'must be an IPv4 or IPv6 address' }]);
    expect(problems({ ...minimal, principal: { ip: 'example.com' } })[0]?.path).toBe('principal.ip');
    for (const id of ['AKIA123', 'AIDAIOSFODNN7EXAMPLE', 'akiaiosfodnn7example', 'AKIAIOSFODNN7EXAMPLEX']) {
      expect(problems({ ...minimal, principal: { aws_access_key_id: id } })).toEqual([{ path: 'principal.aws_access_key_id', message: containing('must be an AWS access key id') }]);
    }
    expect(accepted({ ...minimal, principal: { aws_access_key_id: 'ASIAIOSFODNN7EXAMPLE' } })).toBe(true);
  });

  it('limits details to a JSON object of at most 64 KiB', () => {
    expect(accepted({ ...minimal, details: { blob: 'x'.repeat(64 * 1024 - 20) } })).toBe(true);
    expect(problems({ ...minimal, details: { blob: 'x'.repeat(64 * 1024) } })).toEqual([{ path: 'details', message: 'must be at most 64 KiB as JSON' }]);
    expect(problems({ ...minimal, details: ['x'] })).toEqual([{ path: 'details', message: 'must be an object' }]);
  });
});

describe('parseAlert: control characters', () => {
  const CONTROL = 'must not contain control characters';
  const cases: [string, Record<string, unknown>][] = [
    ['title', { title: 'bad\u0000title' }],
    ['source', { source: 'src\u001b[31m' }],
    ['labels.team', { labels: { team: 'a\u0007b' } }],
    ['resource.name', { resource: { kind: 'model', name: 'm\u007f' } }],
    ['resource.kind', { resource: { kind: 'mo\u0008del', name: 'm' } }],
    ['principal.user', { principal: { user: 'j\u0000doe' } }],
    ['principal.aws_user', { principal: { aws_user: 'ci\u000b' } }],
    ['principal.github_login', { principal: { github_login: 'x\u000c' } }],
  ];
  it.each(cases)('rejects them in %s', (path, extra) => {
    expect(problems({ ...minimal, ...extra })).toContainEqual({ path, message: CONTROL });
  });

  it('rejects them in type and in label keys', () => {
    expect(problems({ ...minimal, type: 'a\u0001b' })).toContainEqual({ path: 'type', message: CONTROL });
    expect(problems({ ...minimal, labels: { 'te\u0000am': 'x' } })).toContainEqual({ path: 'labels.te\u0000am', message: CONTROL });
  });
});

describe('fitting foreign data to the limits', () => {
  it('fitText replaces control characters and cuts long text with an ellipsis, keeping surrogate pairs whole', () => {
    expect(fitText('a\u0000b\nc', 10)).toBe('a b\nc');
    expect(fitText('x'.repeat(600), 500)).toHaveLength(500);
    expect(fitText('x'.repeat(600), 500).endsWith('…')).toBe(true);
    const cut = fitText(`${'x'.repeat(498)}😀tail`, 500);
    expect(cut).toBe(`${'x'.repeat(498)}…`);
  });

  it('fitType makes any name a valid type', () => {
    expect(fitType('aws.guardduty.Backdoor:EC2/C&CActivity.B!DNS')).toBe('aws.guardduty.Backdoor:EC2/C_CActivity.B_DNS');
    expect(fitType('prometheus.High memory usage')).toBe('prometheus.High_memory_usage');
    expect(accepted({ ...minimal, type: fitType(`-${'x'.repeat(300)}`) })).toBe(true);
  });

  it('fitLabels escapes names that cannot be keys (never drops them), fits values and keeps at most 50', () => {
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${String(i).padStart(2, '0')}`, 'v']));
    expect(Object.keys(fitLabels(many))).toHaveLength(50);
    expect(fitLabels({ ok: 'x'.repeat(300), 'not ok': 'y', '9x': 'z', サービス: 'w' })).toEqual({
      ok: `${'x'.repeat(255)}…`,
      U__not_20_ok: 'y',
      U__9x: 'z',
      U___30b5__30fc__30d3__30b9_: 'w',
    });
  });
});
