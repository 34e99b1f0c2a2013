/**
 * Issue #14 point 16: every rule of policy/secret-rules.yaml redacts a synthesised sample of its
 * secret shape. Samples are assembled at run time from fragments and a seeded generator, so the
 * repository holds no secret-shaped literal (and no real secret).
 */
import { describe, expect, it } from 'vitest';
import { REDACTED, redactValue } from '../../server/intake/redact.js';
import { compileSecretRules, loadSecretRules, SecretRulesError } from '../../server/intake/secret-rules.js';

/** Deterministic pseudo-random text over `alphabet` (a linear congruential generator). */
function rand(alphabet: string, n: number, seed: number): string {
  let x = seed >>> 0;
  let out = '';
  for (let i = 0; i < n; i += 1) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out += alphabet[x % alphabet.length];
  }
  return out;
}
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOW = UP.toLowerCase();
const DIG = '0123456789';
const ALNUM = UP + LOW + DIG;
const HEX = '0123456789abcdef';
const B64 = `${ALNUM}/+`;
const URLSAFE = `${ALNUM}_-`;
const j = (...parts: string[]) => parts.join('');
const MARKER = j('T3Bl', 'bkFJ');

/** Per rule: a sample in context, and the part that must not survive redaction. */
const SAMPLES: Record<string, { text: string; secret: string }> = (() => {
  const s = (prefix: string, secret: string, before = 'leaked ', after = ' end') => ({ text: `${before}${prefix}${secret}${after}`, secret });
  const awsSecret = j('Q7', rand(B64, 36, 1), 'x9');
  return {
    'aws-secret-access-key': s('', awsSecret),
    'aws-session-token': s('', j('IQoJ', 'b3JpZ2luX2Vj', rand(B64, 300, 2))),
    'aws-session-token-labelled': s(j('aws_session', '_token='), rand(B64, 120, 3)),
    'aws-presigned-signature': s(j('https://b.s3.amazonaws.com/k?X-Amz-Date=1&X-Amz-', 'Signature='), rand(HEX, 64, 4)),
    'aws-presigned-security-token': s(j('https://b.s3.amazonaws.com/k?X-Amz-', 'Security-Token='), `${rand(ALNUM, 200, 5)}%2F${rand(ALNUM, 20, 6)}`, '', '&X-Amz-Expires=60'),
    'openai-api-key': s('', j('sk-', 'proj-', rand(URLSAFE, 74, 7), MARKER, rand(URLSAFE, 74, 8))),
    'openai-project-key': s(j('sk-', 'proj-'), rand(URLSAFE, 120, 9)),
    'anthropic-api-key': s('', j('sk-', 'ant-', 'api03-', rand(URLSAFE, 93, 10), 'AA')),
    'anthropic-admin-api-key': s('', j('sk-', 'ant-', 'admin01-', rand(URLSAFE, 93, 11), 'AA')),
    'anthropic-key-prefix': s(j('sk-', 'ant-'), j('oat01-', rand(URLSAFE, 80, 12))),
    'huggingface-access-token': s(j('h', 'f_'), rand(UP + LOW, 34, 13)),
    'huggingface-organization-api-token': s(j('api_', 'org_'), rand(UP + LOW, 34, 14)),
    'gitlab-pat': s(j('gl', 'pat-'), rand(URLSAFE, 20, 15)),
    'stripe-access-token': s(j('sk_', 'live_'), rand(ALNUM, 99, 16)),
    'gcp-api-key': s('', j('AI', 'za', rand(URLSAFE, 35, 17))),
    jwt: s('', j('ey', rand(ALNUM, 30, 18), '.ey', rand(URLSAFE, 40, 19), '.', rand(URLSAFE, 43, 20))),
    'slack-webhook-url': s(j('https://hooks.', 'slack.com/services/'), j('T', rand(UP + DIG, 10, 21), '/B', rand(UP + DIG, 10, 22), '/', rand(ALNUM, 24, 23))),
    'slack-token': s(j('xo', 'xb-'), j(rand(DIG, 12, 24), '-', rand(DIG, 12, 25), '-', rand(ALNUM, 24, 26))),
    'github-token': s(j('gh', 'p_'), rand(ALNUM, 36, 27)),
    'github-fine-grained-pat': s(j('github', '_pat_'), j(rand(ALNUM, 22, 28), '_', rand(ALNUM, 59, 29))),
    'npm-access-token': s(j('np', 'm_'), rand(ALNUM, 36, 30)),
    'pypi-upload-token': s(j('py', 'pi-'), j('AgEIcHlwaS5vcmc', rand(URLSAFE, 80, 31))),
    'sendgrid-api-token': s(j('S', 'G.'), j(rand(URLSAFE, 22, 32), '.', rand(URLSAFE, 43, 33))),
    'databricks-api-token': s(j('da', 'pi'), rand(HEX, 32, 34)),
    'digitalocean-token': s(j('do', 'p_v1_'), rand(HEX, 64, 35)),
  };
})();

const { rules, skipped } = loadSecretRules();

describe('the shipped secret rules', () => {
  it('all compile, and none is skipped as slow', () => {
    expect(skipped).toEqual([]);
    expect(rules.length).toBe(Object.keys(SAMPLES).length);
  });

  it.each(rules.map((r) => [r.id, r] as const))('%s redacts its sample', (id, rule) => {
    const sample = SAMPLES[id];
    expect(sample, `a sample for ${id}`).toBeDefined();
    if (sample === undefined) return;
    rule.pattern.lastIndex = 0;
    expect(rule.pattern.test(sample.text), `${id} matches its sample`).toBe(true);
    rule.pattern.lastIndex = 0;
    const { value, redactions } = redactValue({ title: sample.text }) as { value: { title: string }; redactions: number };
    expect(value.title).not.toContain(sample.secret);
    expect(value.title).toContain(REDACTED);
    expect(redactions).toBeGreaterThanOrEqual(1);
    expect(redactValue(value).redactions, 'idempotent').toBe(0);
  });
});

describe('what the rules keep', () => {
  it('keeps commit SHAs, access key ids, UUIDs and prose', () => {
    for (const text of [`commit ${rand(HEX, 40, 40)}`, j('AK', 'IAIOSFODNN7EXAMPLE'), '3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'the hf_ prefix and sk-proj- keys are secret']) {
      expect(redactValue(text)).toEqual({ value: text, redactions: 0 });
    }
  });
});

describe('loading rules', () => {
  const rule = (over: string) => `rules:\n  - id: r\n    description: d\n    source: s\n${over}`;
  it('skips and reports a regex JavaScript cannot compile (gitleaks inline flags)', () => {
    const loaded = compileSecretRules(rule("    regex: '(?i)abc(?-i)d'\n"));
    expect(loaded.rules).toEqual([]);
    expect(loaded.skipped[0]?.reason).toMatch(/does not compile/);
  });
  it('skips a rule whose secret group does not exist', () => {
    expect(compileSecretRules(rule("    regex: 'a(b)'\n    secretGroup: 2\n")).skipped[0]?.reason).toMatch(/secretGroup 2/);
  });
  it('skips a catastrophically backtracking rule', () => {
    const loaded = compileSecretRules(rule("    regex: '(a+)+b'\n"), 50);
    expect(loaded.skipped[0]?.reason).toMatch(/too slow/);
  });
  it('refuses a malformed file, naming the field', () => {
    expect(() => compileSecretRules('rules:\n  - id: r\n')).toThrow(SecretRulesError);
    expect(() => compileSecretRules(rule("    regex: 'a'\n    colour: red\n"))).toThrow(/rules\.0/);
    expect(() => compileSecretRules(`${rule("    regex: 'a'\n")}${rule("    regex: 'b'\n").slice('rules:\n'.length)}`)).toThrow(/duplicate id r/);
  });
  it('logs the skipped count', () => {
    const lines: string[] = [];
    const path = new URL('../../policy/secret-rules.yaml', import.meta.url).pathname;
    loadSecretRules(path, (m) => lines.push(m));
    expect(lines).toEqual([]);
  });
});

describe('redaction time', () => {
  it('redacts a 1 MB alert, and 1 MB pathological inputs, well under a second each', () => {
    const mixed = Object.values(SAMPLES)
      .map((x) => x.text)
      .join(' ');
    const inputs = [mixed.repeat(Math.ceil(1_000_000 / mixed.length)), 'a'.repeat(1_000_000), 'ey-'.repeat(333_334), j('sk-', 'ant-').repeat(125_000), rand(B64, 1_000_000, 99), '='.repeat(1_000_000)];
    for (const input of inputs) {
      const t = performance.now();
      redactValue({ title: input });
      expect(performance.now() - t).toBeLessThan(1000);
    }
  });
});
