import { describe, expect, it } from 'vitest';
import { REDACTED, redactAlert, redactValue } from '../../server/intake/redact.js';
import type { Alert } from '../../contracts/incident.js';

// Token-shaped values are assembled at run time so the source holds no literal token.
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const GH_CLASSIC = `ghp_${'A1b2'.repeat(9)}`;
const GH_FINE = `github_pat_${'11ABCDEFG0'.repeat(3)}_${'x'.repeat(20)}`;
const SLACK = `xoxb-${'1234567890'}-${'abcdefghijklmnop'}`;
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';

const redactText = (s: string) => redactValue(s) as { value: string; redactions: number };

describe('redacting secrets inside text, keeping the label', () => {
  const cases: [string, string, string][] = [
    ['aws_secret_access_key=', `aws_secret_access_key=${AWS_SECRET}`, `aws_secret_access_key=${REDACTED}`],
    ['"SecretAccessKey": "…"', `{"SecretAccessKey": "${AWS_SECRET}"}`, `{"SecretAccessKey": "${REDACTED}"}`],
    ['secret_key: …', `secret_key: ${AWS_SECRET} end`, `secret_key: ${REDACTED} end`],
    ['AWS_SECRET_ACCESS_KEY (env style)', `export AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`, `export AWS_SECRET_ACCESS_KEY=${REDACTED}`],
    ['a classic GitHub token', `token ${GH_CLASSIC} leaked`, `token ghp_${REDACTED} leaked`],
    ['a fine-grained GitHub token', `pat=${GH_FINE}`, `pat=github_pat_${REDACTED}`],
    ['a Slack token', `slack ${SLACK}`, `slack xoxb-${REDACTED}`],
    ['a Bearer token', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', `Authorization: Bearer ${REDACTED}`],
    ['Basic credentials', `Authorization: Basic ${Buffer.from('alice:s3cret').toString('base64')}`, `Authorization: Basic ${REDACTED}`],
    ['a password in a URL', 'postgres://bob:hunter2@db.internal:5432/app', `postgres://bob:${REDACTED}@db.internal:5432/app`],
    ['a password in an https URL', 'see https://bob:p%40ss@example.com/x', `see https://bob:${REDACTED}@example.com/x`],
    ['password=', 'login failed password=hunter2 user=bob', `login failed password=${REDACTED} user=bob`],
    ['passwd: "…"', 'passwd: "correct horse"', `passwd: "${REDACTED}"`],
    ['a JSON password in text', `{"password": "hunter2", "user": "bob"}`, `{"password": "${REDACTED}", "user": "bob"}`],
    ['DB_PASSWORD in an env dump', 'DB_PASSWORD=hunter2;DB_USER=app', `DB_PASSWORD=${REDACTED};DB_USER=app`],
    ['an api_key query parameter', 'GET /v1/x?api_key=abc123&page=2', `GET /v1/x?api_key=${REDACTED}&page=2`],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(redactText(input)).toEqual({ value: expected, redactions: 1 });
  });

  it('redacts every GitHub token kind (ghp_, gho_, ghu_, ghs_, ghr_)', () => {
    for (const prefix of ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']) {
      expect(redactText(`t=${prefix}${'x9'.repeat(18)}`)).toEqual({ value: `t=${prefix}${REDACTED}`, redactions: 1 });
    }
    expect(redactText(`ghp_${'x'.repeat(35)}`).redactions).toBe(0);
  });

  it('redacts a private key block, keeping its armour lines', () => {
    const pem = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA', 'abcdef==', '-----END RSA PRIVATE KEY-----'].join('\n');
    expect(redactText(`key:\n${pem}\nend`)).toEqual({
      value: `key:\n-----BEGIN RSA PRIVATE KEY-----${REDACTED}-----END RSA PRIVATE KEY-----\nend`,
      redactions: 1,
    });
    expect(redactText('-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----').value).toBe(`-----BEGIN OPENSSH PRIVATE KEY-----${REDACTED}-----END OPENSSH PRIVATE KEY-----`);
  });

  it('redacts a truncated private key block to the end of the text', () => {
    expect(redactText('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg').value).toBe(`-----BEGIN PRIVATE KEY-----${REDACTED}`);
  });

  it('keeps AWS access key ids, prose and public keys', () => {
    for (const text of [
      `key ${KEY_ID} was used`,
      'ASIAIOSFODNN7EXAMPLE',
      'Bearer authentication is required',
      'Basic authentication is disabled',
      'the password was rotated yesterday',
      'https://example.com/path?x=1',
      '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----',
    ]) {
      expect(redactText(text)).toEqual({ value: text, redactions: 0 });
    }
  });

  it('counts every replacement in one string', () => {
    const r = redactText(`password=a ${GH_CLASSIC} https://u:p@h aws_secret_access_key=${AWS_SECRET}`);
    expect(r.redactions).toBe(4);
    expect(r.value).toBe(`password=${REDACTED} ghp_${REDACTED} https://u:${REDACTED}@h aws_secret_access_key=${REDACTED}`);
  });
});

describe('redacting values under sensitive keys', () => {
  it('replaces the value of each sensitive key and keeps the rest', () => {
    const input = {
      password: 'hunter2',
      db_passwd: 'x',
      pwd: 'y',
      apiKey: 'k-123',
      'api-key': 'k-456',
      private_key: 'pem',
      Authorization: 'Bearer abc',
      cookie: 'sid=1',
      sessionToken: 'tok',
      client_secret: 'cs',
      credential_hint: 'zz',
      pin: 1234,
      user: 'bob',
    };
    const { value, redactions } = redactValue(input);
    expect(value).toEqual({
      ...Object.fromEntries(Object.keys(input).map((k) => [k, REDACTED])),
      pin: 1234,
      user: 'bob',
    });
    expect(redactions).toBe(11);
  });

  it('keeps access key ids and secret kinds, even under a sensitive parent', () => {
    const { value, redactions } = redactValue({
      aws_access_key_id: KEY_ID,
      credentials: { accessKeyId: KEY_ID, access_key_id: KEY_ID, secretAccessKey: AWS_SECRET, expiration: 3600, valid: true },
      labels: { secret_type: 'github_personal_access_token', secret_type_display_name: 'GitHub PAT' },
    });
    expect(value).toEqual({
      aws_access_key_id: KEY_ID,
      credentials: { accessKeyId: KEY_ID, access_key_id: KEY_ID, secretAccessKey: REDACTED, expiration: REDACTED, valid: true },
      labels: { secret_type: 'github_personal_access_token', secret_type_display_name: 'GitHub PAT' },
    });
    expect(redactions).toBe(2);
  });

  it('walks nested objects and arrays', () => {
    const { value, redactions } = redactValue({
      details: { calls: [{ args: { token: 'abc', q: `find ${GH_CLASSIC}` } }, ['password=x', 3]] },
    });
    expect(value).toEqual({ details: { calls: [{ args: { token: REDACTED, q: `find ghp_${REDACTED}` } }, [`password=${REDACTED}`, 3]] } });
    expect(redactions).toBe(3);
  });

  it('does not modify its input, and redacting twice changes nothing more', () => {
    const input = { a: { password: 'hunter2', list: [`Bearer ${'t0ken'.repeat(4)}`] } };
    const before = structuredClone(input);
    const once = redactValue(input);
    expect(input).toEqual(before);
    expect(redactValue(once.value)).toEqual({ value: once.value, redactions: 0 });
  });

  it('keeps "__proto__" a plain key', () => {
    const input = JSON.parse('{"__proto__": {"password": "x"}, "ok": 1}') as unknown;
    const { value } = redactValue(input);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(['__proto__', 'ok']);
  });
});

describe('redactAlert', () => {
  it('redacts an alert and reports how many values it replaced', () => {
    const alert: Alert = {
      type: 'credential.leaked',
      severity: 'high',
      title: `Key leaked: aws_secret_access_key=${AWS_SECRET}`,
      source: 'manual',
      principal: { aws_user: 'ci', aws_access_key_id: KEY_ID },
      labels: { session_id: 's-1', team: 'ml' },
      details: { log: 'curl https://bob:pw@h', token: 'abc' },
    };
    const { alert: clean, redactions } = redactAlert(alert);
    expect(clean).toEqual({
      ...alert,
      title: `Key leaked: aws_secret_access_key=${REDACTED}`,
      labels: { session_id: REDACTED, team: 'ml' },
      details: { log: `curl https://bob:${REDACTED}@h`, token: REDACTED },
    });
    expect(redactions).toBe(4);
    expect(alert.title).toContain(AWS_SECRET);
  });
});

describe('linear time on adversarial input', () => {
  const adversarial: [string, string][] = [
    ["'a' x 100000 + '@'", `${'a'.repeat(100_000)}@`],
    ['repeated password=', 'password='.repeat(20_000)],
    ['repeated unterminated quotes', '"password": "'.repeat(10_000)],
    ['repeated schemes', 'https://'.repeat(20_000)],
    ['a URL user without end', `http://a:${'b'.repeat(100_000)}`],
    ['repeated BEGIN lines', '-----BEGIN PRIVATE KEY-----'.repeat(5_000)],
    ['repeated Bearer', 'Bearer '.repeat(20_000)],
    ['repeated secret_key=', 'secret_key='.repeat(20_000)],
    ['repeated token prefixes', 'ghp_xoxb-github_pat_'.repeat(10_000)],
    ['colons', 'a:'.repeat(50_000)],
  ];
  it.each(adversarial)('%s finishes fast', (_name, input) => {
    const started = performance.now();
    redactValue(input);
    expect(performance.now() - started).toBeLessThan(250);
  });
});
