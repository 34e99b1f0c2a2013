import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { signedHeaders, type SignedRequest } from '../../server/auth/webhook-signature.js';
import { suiteClient } from '../harness.js';
import { CREDENTIALS, SECRET, senderHeaders, startIntake, type IntakeServer } from '../helpers/intake.js';

const ok = { type: 'credential.leaked', severity: 'high', title: 'key in repo', source: 'hostile-corpus' };
const now = () => Math.floor(Date.now() / 1000);

interface Case {
  readonly name: string;
  readonly path?: string;
  readonly method?: string;
  /** The raw body (a string is sent as is; anything else as JSON). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Sign the body with the Warden secret (default true for /v1/alerts). */
  readonly sign?: boolean;
  readonly query?: string;
  readonly status: number;
  /** Substring or pattern of the error, or of a details path/message. */
  readonly expect: RegExp;
}

const raw = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const ghSig = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
/** Warden's v1 signature of `ok` on POST /v1/alerts, with one part changed. */
const warden = (over: Partial<SignedRequest>, secret: string = SECRET) => signedHeaders(secret, { method: 'POST', path: '/v1/alerts', body: raw(ok), ...over });
const without = (h: Record<string, string>, name: string) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== name));

/** Every alert credential on every route that is not its own: 401, never accepted. */
function crossCredentialCases(): Case[] {
  const bearerRoutes = { alertmanager: '/v1/alerts/alertmanager', guardduty: '/v1/alerts/guardduty' } as const;
  const cases: Case[] = [];
  for (const [route, path] of Object.entries(bearerRoutes)) {
    for (const [name, value] of Object.entries(CREDENTIALS)) {
      if (name === route) continue;
      cases.push({
        name: `the ${name} credential as bearer on ${path}`,
        path,
        body: { version: '4', alerts: [] },
        sign: false,
        headers: { authorization: `Bearer ${value}` },
        status: 401,
        expect: /bearer token does not match/,
      });
    }
    cases.push({ name: `a Warden signature on ${path}`, path, body: ok, sign: false, headers: signedHeaders(SECRET, { method: 'POST', path, body: raw(ok) }), status: 401, expect: /Bearer/ });
  }
  for (const name of ['webhook', 'alertmanager', 'guardduty'] as const) {
    const body = '{"action":"created"}';
    cases.push({
      name: `github signed with the ${name} credential`,
      path: '/v1/alerts/github-secret-scanning',
      body,
      sign: false,
      headers: { 'x-github-event': 'secret_scanning_alert', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': ghSig(body, CREDENTIALS[name]) },
      status: 401,
      expect: /X-Hub-Signature-256/,
    });
  }
  for (const name of ['alertmanager', 'guardduty'] as const) {
    cases.push({ name: `the ${name} token as bearer on /v1/alerts`, body: ok, sign: false, headers: { authorization: `Bearer ${CREDENTIALS[name]}` }, status: 401, expect: /x-warden-signature/ });
  }
  return cases;
}

const CASES: Case[] = [
  // ── not JSON, not an object ──────────────────────────────────────────────
  { name: 'malformed JSON', body: '{"type": "x",', status: 400, expect: /not valid JSON/ },
  { name: 'empty body', body: '', status: 400, expect: /not valid JSON/ },
  { name: 'a JSON array', body: [], status: 400, expect: /invalid alert/ },
  { name: 'a JSON string', body: '"alert"', status: 400, expect: /invalid alert/ },
  { name: 'JSON null', body: 'null', status: 400, expect: /invalid alert/ },
  { name: 'a number', body: '42', status: 400, expect: /invalid alert/ },
  { name: 'nesting 100k deep, unclosed', body: '['.repeat(100_000), status: 400, expect: /nested too deeply/ },
  { name: 'nesting 100k deep, closed', body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, status: 400, expect: /nested too deeply/ },
  {
    name: 'objects nested 65 deep in details',
    body: `{"type":"a.b","severity":"high","title":"t","source":"s","details":${'{"a":'.repeat(64)}1${'}'.repeat(64)}}`,
    status: 400,
    expect: /at most 64 levels/,
  },
  { name: 'brackets inside a string do not count as nesting', body: { ...ok, severity: '[{'.repeat(100) }, status: 400, expect: /^invalid alert\nseverity/ },
  // ── missing and wrong fields ─────────────────────────────────────────────
  { name: 'missing type', body: { ...ok, type: undefined }, status: 400, expect: /type/ },
  { name: 'missing severity', body: { ...ok, severity: undefined }, status: 400, expect: /severity/ },
  { name: 'missing title', body: { ...ok, title: undefined }, status: 400, expect: /title/ },
  { name: 'missing source', body: { ...ok, source: undefined }, status: 400, expect: /source/ },
  { name: 'unknown severity', body: { ...ok, severity: 'urgent' }, status: 400, expect: /severity/ },
  { name: 'severity as a number', body: { ...ok, severity: 5 }, status: 400, expect: /severity/ },
  { name: 'type with spaces', body: { ...ok, type: 'rm -rf /' }, status: 400, expect: /type/ },
  { name: 'type too long', body: { ...ok, type: 'a'.repeat(200) }, status: 400, expect: /type/ },
  { name: 'empty title', body: { ...ok, title: '' }, status: 400, expect: /title/ },
  { name: 'title too long', body: { ...ok, title: 'x'.repeat(501) }, status: 400, expect: /title/ },
  { name: 'unknown top-level field', body: { ...ok, priority: 'p1' }, status: 400, expect: /priority/ },
  { name: 'label value not a string', body: { ...ok, labels: { team: 7 } }, status: 400, expect: /labels\.team/ },
  { name: 'too many labels', body: { ...ok, labels: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`l${i}`, 'v'])) }, status: 400, expect: /labels/ },
  { name: 'label key with a space', body: { ...ok, labels: { 'bad key': 'v' } }, status: 400, expect: /labels/ },
  { name: 'invalid principal email', body: { ...ok, principal: { email: 'not-an-email' } }, status: 400, expect: /principal\.email/ },
  { name: 'invalid principal ip', body: { ...ok, principal: { ip: '999.1.1.1' } }, status: 400, expect: /principal\.ip/ },
  { name: 'invalid access key id', body: { ...ok, principal: { aws_access_key_id: 'AKIA-nope' } }, status: 400, expect: /aws_access_key_id/ },
  { name: 'unknown principal field', body: { ...ok, principal: { password: 'x' } }, status: 400, expect: /principal/ },
  { name: 'observed_at not a date', body: { ...ok, observed_at: 'yesterday' }, status: 400, expect: /observed_at/ },
  { name: 'observed_at in the far future', body: { ...ok, observed_at: '2999-01-01T00:00:00Z' }, status: 400, expect: /observed_at/ },
  { name: 'details not an object', body: { ...ok, details: ['a'] }, status: 400, expect: /details/ },
  { name: 'details over 64 KiB', body: { ...ok, details: { blob: 'x'.repeat(70_000) } }, status: 400, expect: /details/ },
  { name: 'resource without name', body: { ...ok, resource: { kind: 'model' } }, status: 400, expect: /resource\.name/ },
  { name: 'resource with an unknown field', body: { ...ok, resource: { kind: 'model', name: 'm', owner: 'x' } }, status: 400, expect: /resource/ },
  { name: 'fingerprint too long', body: { ...ok, fingerprint: 'f'.repeat(300) }, status: 400, expect: /fingerprint/ },
  // ── control characters, unicode, injection ───────────────────────────────
  { name: 'BEL in the title', body: { ...ok, title: 'ding\u0007' }, status: 400, expect: /control characters/ },
  { name: 'NUL in the source', body: { ...ok, source: 'a\u0000b' }, status: 400, expect: /control characters/ },
  { name: 'ANSI escape in a label', body: { ...ok, labels: { team: '\u001b[31mred' } }, status: 400, expect: /control characters/ },
  { name: 'DEL in the type', body: { ...ok, type: 'a\u007fb' }, status: 400, expect: /type/ },
  { name: 'template injection in the title', body: { ...ok, title: 'hi {{ steps.x.output }}' }, status: 400, expect: /template/ },
  { name: 'template injection in a label', body: { ...ok, labels: { team: '{{ alert }}' } }, status: 400, expect: /template/ },
  { name: 'Slack broadcast in the title', body: { ...ok, title: 'wake up <!channel>' }, status: 400, expect: /markup/ },
  { name: 'Slack link injection in the title', body: { ...ok, title: 'see <http://evil.example|the runbook>' }, status: 400, expect: /markup/ },
  { name: 'Slack user mention in the source', body: { ...ok, source: '<@U012AB3CD>' }, status: 400, expect: /markup/ },
  { name: 'HTML script in the title', body: { ...ok, title: '<script>alert(1)</script>' }, status: 400, expect: /markup/ },
  { name: 'HTML image in a label', body: { ...ok, labels: { team: '<img src=x onerror=alert(1)>' } }, status: 400, expect: /markup/ },
  { name: 'right-to-left override in the title', body: { ...ok, title: 'invoice\u202Efdp.exe' }, status: 400, expect: /control characters/ },
  // ── size and content type ────────────────────────────────────────────────
  { name: 'body over 1 MiB', body: { ...ok, details: { blob: 'x'.repeat(1_100_000) } }, status: 413, expect: /limit/ },
  { name: 'text/plain', body: ok, headers: { 'content-type': 'text/plain' }, status: 415, expect: /application\/json/ },
  { name: 'form encoded', body: 'type=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, expect: /application\/json/ },
  { name: 'no content type', body: ok, headers: { 'content-type': '' }, status: 415, expect: /application\/json/ },
  // ── signatures ───────────────────────────────────────────────────────────
  { name: 'no signature', body: ok, sign: false, status: 401, expect: /x-warden-signature/ },
  { name: 'a wrong signature', body: ok, headers: { 'x-warden-signature': `sha256=${'0'.repeat(64)}` }, status: 401, expect: /does not match/ },
  { name: 'a malformed signature', body: ok, headers: { 'x-warden-signature': 'md5=abc' }, status: 401, expect: /malformed/ },
  { name: 'the signature of another body', body: ok, sign: false, headers: warden({ body: '{"other":1}' }), status: 401, expect: /does not match/ },
  { name: 'signed with another secret', body: ok, sign: false, headers: warden({}, 'not-the-secret-at-all'), status: 401, expect: /does not match/ },
  { name: 'signed with the GitHub secret', body: ok, sign: false, headers: warden({}, CREDENTIALS.github), status: 401, expect: /does not match/ },
  { name: 'signed for another path', body: ok, sign: false, headers: warden({ path: '/v1/offboardings' }), status: 401, expect: /does not match/ },
  { name: 'signed for a dry run, sent live', body: ok, sign: false, query: '?dry_run=false', headers: warden({ path: '/v1/alerts?dry_run=true' }), status: 401, expect: /does not match/ },
  { name: 'signed as another method', body: ok, sign: false, headers: warden({ method: 'PUT' }), status: 401, expect: /does not match/ },
  { name: 'a stale timestamp', body: ok, sign: false, headers: warden({ timestamp: now() - 600 }), status: 401, expect: /replay/ },
  { name: 'a timestamp in the future', body: ok, sign: false, headers: warden({ timestamp: now() + 600 }), status: 401, expect: /replay/ },
  { name: 'a timestamp that is not a number', body: ok, headers: { 'x-warden-timestamp': 'soon' }, status: 401, expect: /unix seconds/ },
  {
    name: 'no timestamp (the old body-only format)',
    body: ok,
    sign: false,
    headers: { 'x-warden-signature': warden({})['x-warden-signature']! },
    status: 401,
    expect: /x-warden-timestamp is required/,
  },
  { name: 'no delivery id', body: ok, sign: false, headers: without(warden({}), 'x-warden-delivery'), status: 401, expect: /x-warden-delivery is required/ },
  { name: 'a delivery id with characters outside the set', body: ok, headers: { 'x-warden-delivery': 'abcdefgh%0Aevil' }, status: 401, expect: /x-warden-delivery must be/ },
  {
    name: 'a timestamp other than the one signed',
    body: ok,
    sign: false,
    headers: { ...warden({ timestamp: now() - 10 }), 'x-warden-timestamp': String(now()) },
    status: 401,
    expect: /does not match/,
  },
  { name: 'a delivery id other than the one signed', body: ok, sign: false, headers: { ...warden({}), 'x-warden-delivery': randomUUID() }, status: 401, expect: /does not match/ },
  // ── routes and adapters ──────────────────────────────────────────────────
  { name: 'an unknown adapter', path: '/v1/alerts/splunk', body: ok, status: 404, expect: /no route/ },
  { name: 'GET on the intake', path: '/v1/alerts', method: 'GET', status: 405, expect: /not allowed/ },
  { name: 'dry_run=maybe', body: ok, query: '?dry_run=maybe', status: 400, expect: /dry_run/ },
  { name: 'alertmanager without auth', path: '/v1/alerts/alertmanager', body: { version: '4', alerts: [] }, sign: false, status: 401, expect: /Bearer <WARDEN_ALERTMANAGER_TOKEN>/ },
  ...crossCredentialCases(),
  {
    name: 'alertmanager with a wrong bearer',
    path: '/v1/alerts/alertmanager',
    body: { version: '4', alerts: [] },
    sign: false,
    headers: { authorization: 'Bearer nope' },
    status: 401,
    expect: /bearer/,
  },
  { name: 'alertmanager version 3', path: '/v1/alerts/alertmanager', body: { version: '3', alerts: [] }, status: 400, expect: /version/ },
  { name: 'alertmanager without alerts', path: '/v1/alerts/alertmanager', body: { version: '4' }, status: 400, expect: /alerts/ },
  {
    name: 'guardduty with another detail-type',
    path: '/v1/alerts/guardduty',
    body: { 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2', detail: {} },
    status: 400,
    expect: /detail-type|GuardDuty/,
  },
  {
    name: 'github without a signature',
    path: '/v1/alerts/github-secret-scanning',
    body: { action: 'created' },
    sign: false,
    headers: { 'x-github-event': 'secret_scanning_alert' },
    status: 401,
    expect: /X-Hub-Signature-256/,
  },
  {
    name: 'github without X-GitHub-Delivery',
    path: '/v1/alerts/github-secret-scanning',
    body: { action: 'created' },
    sign: false,
    headers: { 'x-github-event': 'secret_scanning_alert', 'x-hub-signature-256': ghSig('{"action":"created"}', CREDENTIALS.github) },
    status: 401,
    expect: /X-GitHub-Delivery/,
  },
  {
    name: 'github with a bad signature',
    path: '/v1/alerts/github-secret-scanning',
    body: { action: 'created' },
    sign: false,
    headers: { 'x-github-event': 'secret_scanning_alert', 'x-hub-signature-256': ghSig('{"action":"created"}', 'wrong-secret') },
    status: 401,
    expect: /X-Hub-Signature-256/,
  },
];

let client: Client;
let intake: IntakeServer;
beforeAll(async () => {
  client = await suiteClient();
  intake = await startIntake(client);
});
afterAll(async () => {
  intake.close();
  await client.connection.close();
});

describe('hostile input: each case gets the right 4xx with a clear error and starts no workflow', () => {
  it('has at least 50 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(50));

  for (const c of CASES) {
    it(c.name, async () => {
      const body = c.body === undefined ? undefined : raw(c.body);
      const path = c.path ?? '/v1/alerts';
      const signed: Record<string, string> = (c.sign ?? true) && body !== undefined ? senderHeaders(`${path}${c.query ?? ''}`, body) : {};
      const res = await fetch(`${intake.url}${path}${c.query ?? ''}`, {
        method: c.method ?? 'POST',
        headers: { 'content-type': 'application/json', ...signed, ...c.headers },
        ...(body !== undefined && (c.method ?? 'POST') !== 'GET' ? { body } : {}),
      });
      expect(res.status).toBe(c.status);
      const answer = (await res.json()) as { error: string; details?: { path: string; message: string }[] };
      expect(typeof answer.error).toBe('string');
      expect(`${answer.error}\n${(answer.details ?? []).map((d) => `${d.path}: ${d.message}`).join('\n')}`).toMatch(c.expect);
      for (const secret of Object.values(CREDENTIALS)) expect(JSON.stringify(answer)).not.toContain(secret);
    });
  }

  it('started no workflow on its task queue, and the server still serves', async () => {
    const started = [];
    for await (const wf of client.workflow.list({ query: `TaskQueue = '${intake.taskQueue}'` })) started.push(wf.workflowId);
    expect(started).toEqual([]);
    const res = await fetch(`${intake.url}/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...senderHeaders('/v1/alerts', raw(ok)) }, body: raw(ok) });
    expect(res.status).toBe(202);
  });
});
