import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import type { LogLevel, LogMetadata } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Attachment } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../activities/providers/email/smtp-mailer.js';
import { createLocalEvidenceStore } from '../../activities/providers/evidence/local-evidence-store.js';
import { createFileLedger } from '../../activities/providers/idempotency/file-ledger.js';
import type { ReviewStore } from '../../activities/ports/review-store.js';
import { CSV_HEADERS } from '../../activities/reviews/render/evidence-csv.js';
import { renderReviewSummary } from '../../cli/commands/review-summary.js';
import { createReviewEvidenceActivities, evidenceKey } from '../../activities/reviews/evidence-pack.js';
import type { ReviewEvidenceInput } from '../../activities/reviews/evidence-pack.js';
import { createLocalReviewStore } from '../../activities/providers/review-store/local-review-store.js';
import { createSlackChat } from '../../activities/providers/slack/slack-chat.js';
import type { ActionDeps } from '../../catalog/types.js';
import type { EnforcementRecord, ItemDecision, ReviewItem } from '../../contracts/review-types.js';
import type { CampaignEvidence, CampaignState } from '../../contracts/reviews.js';
import { startFakeSlack } from '../peers/fake-slack.js';
import type { FakeSlack } from '../peers/fake-slack.js';
import { startSmtpPeer } from '../peers/smtp-peer.js';
import type { SmtpPeer } from '../peers/smtp-peer.js';

const SLACK_TOKEN = 'xoxb-test-token-reviews';
const COMPLIANCE = { email: ['audit@example.test', 'grc@example.test'], slackChannel: '#compliance' };
const ACCOUNT = '111122223333';
const POLICY = 'policy:revoke-flagged';
const CLOSED = '2026-04-17T09:00:00Z';
const ENFORCED = '2026-04-17T09:05:00Z';

/** RFC 4180, strictly: fails on an unquoted quote, CR or LF and on a missing final CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (ch === '"' || ch === '\r' || ch === '\n') throw new Error(`unquoted ${JSON.stringify(ch)} at ${i}`);
    else field += ch;
  }
  if (field !== '' || row.length || quoted) throw new Error('the file does not end with CRLF');
  return rows;
}

const base = (over: Partial<ReviewItem> & Pick<ReviewItem, 'id' | 'subject' | 'kind' | 'resource' | 'reviewer'>): ReviewItem => ({
  system: 'aws',
  account: ACCOUNT,
  permission: 'member',
  grantedVia: 'direct',
  findings: [],
  grants: {},
  reviewerBasis: 'owner',
  ...over,
});

/** One item per finding kind, an exception, an unflagged item, and hostile text, for three reviewers. */
const items = {
  admin: base({
    id: `aws:${ACCOUNT}:dana-ml:iam-group:ml-admins`,
    subject: 'dana-ml',
    personId: 'dana',
    kind: 'iam-group',
    resource: 'ml-admins',
    lastUsed: '2025-12-01T10:00:00Z',
    createdAt: '2024-01-15T09:00:00Z',
    grants: { production_models: 'Admin', model_code: 'Read/Write' },
    findings: [
      { kind: 'exceeds_role', detail: 'grants Admin on Production Models; data-scientist allows Read' },
      { kind: 'unused', detail: 'unused for 137 days (threshold 90)' },
    ],
    reviewer: 'alice',
  }),
  readonly: base({
    id: `aws:${ACCOUNT}:dana-ml:iam-managed-policy:arn:aws:iam::aws:policy/ReadOnlyAccess`,
    subject: 'dana-ml',
    personId: 'dana',
    kind: 'iam-managed-policy',
    resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    permission: 'attached',
    grantedVia: 'group:analysts',
    lastUsed: '2025-11-01T00:00:00Z',
    grants: { training_data: 'Read' },
    findings: [{ kind: 'unused', detail: 'unused for 167 days (threshold 90)' }],
    reviewer: 'alice',
  }),
  team: base({
    id: 'github:acme:gina:github-team:ml-eng',
    system: 'github',
    account: 'acme',
    subject: 'gina',
    personId: 'gina',
    kind: 'github-team',
    resource: 'ml-eng',
    grantedVia: 'org-role',
    grants: { model_code: 'Read/Write' },
    reviewer: 'alice',
  }),
  breakglass: base({
    id: `aws:${ACCOUNT}:breakglass:iam-login-profile:breakglass`,
    subject: 'breakglass',
    personId: 'ops-team',
    kind: 'iam-login-profile',
    resource: 'breakglass',
    permission: 'Active',
    findings: [{ kind: 'unused', detail: 'unused for 400 days (threshold 90)' }],
    reviewer: 'bob',
    reviewerBasis: 'fallback',
    exception: 'break-glass account, tested twice a year',
  }),
  key: base({
    id: `aws:${ACCOUNT}:erin:iam-access-key:AKIAEXAMPLE000000001`,
    subject: 'erin',
    personId: 'erin',
    kind: 'iam-access-key',
    resource: 'AKIAEXAMPLE000000001',
    permission: 'Active',
    createdAt: '2025-06-01T00:00:00Z',
    findings: [{ kind: 'stale_key', detail: 'access key is 320 days old (threshold 90)' }],
    reviewer: 'bob',
    reviewerBasis: 'manager',
  }),
  contractor: base({
    id: 'github:acme:ext-contractor:github-outside-collaborator:acme/models',
    system: 'github',
    account: 'acme',
    subject: 'ext-contractor',
    personId: 'frank',
    kind: 'github-outside-collaborator',
    resource: 'acme/models',
    permission: 'push',
    grantedVia: 'invitation',
    grants: { model_code: 'Read/Write' },
    findings: [{ kind: 'external_collaborator', detail: 'outside collaborator with push on acme/models' }],
    reviewer: 'bob',
  }),
  ghost: base({
    id: 'github:acme:ghost-user:github-org-membership:acme',
    system: 'github',
    account: 'acme',
    subject: 'ghost-user',
    kind: 'github-org-membership',
    resource: 'acme',
    grantedVia: 'org-role',
    findings: [{ kind: 'orphaned', detail: 'no person in the directory holds ghost-user' }],
    reviewer: 'bob',
    reviewerBasis: 'fallback',
  }),
  hostile: base({
    id: 'synthetic:synth:=HYPERLINK("http://evil.example","x"):synthetic-grant:g1',
    system: 'synthetic',
    account: 'synth',
    subject: '=HYPERLINK("http://evil.example","x")',
    personId: 'mallory',
    kind: 'synthetic-grant',
    resource: '+SUM(1,2)',
    permission: '-1',
    grantedVia: '@import',
    grants: { inference_api: 'Execute' },
    findings: [{ kind: 'exceeds_role', detail: 'grants "Admin", on\nmany <script>alert(1)</script> assets' }],
    reviewer: 'carol',
  }),
  tabbed: base({
    id: 'synthetic:synth:grace:synthetic-grant:g2',
    system: 'synthetic',
    account: 'synth',
    subject: 'grace',
    personId: 'grace',
    kind: 'synthetic-grant',
    resource: '\tpayload',
    permission: '\rcr',
    reviewer: 'carol',
    reviewerBasis: 'manager',
  }),
} satisfies Record<string, ReviewItem>;

const decision = (item: ReviewItem, d: Omit<ItemDecision, 'itemId'>): ItemDecision => ({ itemId: item.id, ...d });
const silence = (item: ReviewItem, value: 'keep' | 'revoke'): ItemDecision => decision(item, { decision: value, by: POLICY, at: CLOSED, via: 'silence' });
const HOSTILE_REASON = '<script>alert("x")</script> contract ended';

const decisions: Record<string, ItemDecision[]> = {
  alice: [
    decision(items.admin, { decision: 'revoke', by: 'alice', at: '2026-04-08T14:02:11Z', via: 'slack', reason: 'left the ML team' }),
    decision(items.readonly, { decision: 'keep', by: 'alice', at: '2026-04-09T08:00:00Z', via: 'api', reason: 'quarterly reporting' }),
    silence(items.team, 'keep'),
  ],
  bob: [
    silence(items.breakglass, 'keep'),
    silence(items.key, 'revoke'),
    decision(items.contractor, { decision: 'revoke', by: 'bob', at: '2026-04-10T16:30:00Z', via: 'cli', reason: HOSTILE_REASON }),
    silence(items.ghost, 'revoke'),
  ],
  // carol's review did not record decisions.
};

const enforcement: Record<string, EnforcementRecord[]> = {
  alice: [{ itemId: items.admin.id, action: 'aws.removeFromGroups', status: 'changed', plan: ['remove dana-ml from IAM group ml-admins'], at: ENFORCED }],
  bob: [
    { itemId: items.key.id, action: 'aws.deactivateAccessKey', status: 'already', plan: ['deactivate access key AKIAEXAMPLE000000001 of erin'], at: ENFORCED },
    {
      itemId: items.contractor.id,
      action: 'github.removeOutsideCollaborator',
      status: 'failed',
      plan: ['remove ext-contractor from acme/models'],
      at: ENFORCED,
      error: 'GitHub answered 502 <b>Bad Gateway</b>',
    },
    { itemId: items.ghost.id, action: 'offboarding', status: 'offboarding', plan: ['offboard github:acme:ghost-user'], at: ENFORCED },
  ],
};

function campaignState(campaignId: string, over: Partial<CampaignState> = {}): CampaignState {
  return {
    campaignId,
    firstRunId: 'run-1',
    phase: 'reporting',
    dryRun: false,
    requestedBy: 'schedule:warden-access-review',
    scope: ['aws', 'github', 'synthetic'],
    startedAt: '2026-04-01T09:00:00Z',
    deadline: '2026-04-15T09:00:00Z',
    closedAt: CLOSED,
    onSilence: 'revoke-flagged',
    counts: {
      entitlements: 9,
      flagged: 7,
      findings: { exceeds_role: 2, unused: 3, stale_key: 1, orphaned: 1, external_collaborator: 1 },
      reviewers: 3,
      decided: 3,
      kept: 1,
      revoked: 2,
      keptOnSilence: 1,
      revokedOnSilence: 2,
      exceptionsKept: 1,
      enforced: 1,
      alreadyRevoked: 1,
      enforcementFailed: 1,
      offboardingsStarted: 1,
    },
    sources: {},
    shards: { total: 1, done: 1 },
    enforcedReviewers: 3,
    approval: { group: 'security-leads', decision: { approved: true, by: 'ciso', at: '2026-04-17T09:01:00Z' } },
    completionRate: 3 / 9,
    evidence: [],
    maxHistoryLength: 120,
    timeline: [],
    ...over,
  };
}

async function fillStore(store: ReviewStore, campaignId: string, withReviews = true): Promise<void> {
  const all = Object.values(items);
  await store.openCampaign(campaignId, { scope: ['aws', 'github'] });
  await store.putBatch(
    campaignId,
    'aws-0',
    all.filter((i) => i.system === 'aws'),
  );
  await store.putBatch(
    campaignId,
    'github-0',
    all.filter((i) => i.system !== 'aws'),
  );
  if (!withReviews) return;
  for (const [reviewer, list] of Object.entries(decisions)) await store.putDecisions(campaignId, reviewer, list);
  for (const [reviewer, list] of Object.entries(enforcement)) await store.putEnforcement(campaignId, reviewer, list);
}

const stored = (evidence: readonly CampaignEvidence[], name: string): Buffer => {
  const uri = evidence.find((e) => e.name === name)?.uri;
  if (!uri) throw new Error(`no ${name} in the evidence`);
  return readFileSync(fileURLToPath(uri));
};

const byHeader = (row: readonly string[]) => Object.fromEntries(CSV_HEADERS.map((h, i) => [h, row[i]]));
const blank = Object.fromEntries(CSV_HEADERS.map((h) => [h, '']));

describe('access review evidence pack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-review-evidence-'));
  const store = createLocalReviewStore(join(dir, 'reviews'));
  const evidenceDir = join(dir, 'evidence');
  const campaignId = 'sched:2026-04-01T09:00:00Z';
  let smtp: SmtpPeer;
  let slack: FakeSlack;
  let deps: ActionDeps;
  let first: CampaignEvidence[];

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    slack = await startFakeSlack({ token: SLACK_TOKEN, channels: [{ id: 'C0COMPLY', name: 'compliance' }] });
    deps = {
      evidence: createLocalEvidenceStore(evidenceDir),
      mailer: createSmtpMailer({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true, from: 'warden@example.test', ledger: createFileLedger(join(dir, 'ledger')) }),
      chat: createSlackChat({ token: SLACK_TOKEN, apiUrl: slack.apiUrl }),
    };
    await fillStore(store, campaignId);
    first = await createReviewEvidenceActivities({ deps, store, settings: { compliance: COMPLIANCE } }).reviewEvidencePack({ campaignId, state: campaignState(campaignId) });
  });
  afterAll(async () => {
    await Promise.all([smtp.close(), slack.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores evidence.csv, evidence.json and report.html under reviews/<safe campaign id>/', () => {
    expect(first.map((e) => e.name)).toEqual(['evidence.csv', 'evidence.json', 'report.html']);
    for (const e of first) {
      const key = evidenceKey(campaignId, e.name);
      expect(key).toBe(`reviews/sched_2026-04-01T09_00_00Z/${e.name}`);
      expect(fileURLToPath(e.uri)).toBe(join(evidenceDir, key));
      expect(e.sha256).toBe(createHash('sha256').update(stored(first, e.name)).digest('hex'));
    }
  });

  it('has one CSV row per entitlement with every column, reviewers in order and items sorted by id', () => {
    const rows = parseCsv(stored(first, 'evidence.csv').toString('utf8'));
    expect(rows[0]).toEqual(CSV_HEADERS);
    expect(rows.slice(1).every((r) => r.length === CSV_HEADERS.length)).toBe(true);
    const expected: Record<string, string>[] = [
      {
        item_id: items.admin.id,
        system: 'aws',
        account: ACCOUNT,
        subject: 'dana-ml',
        person: 'dana',
        kind: 'iam-group',
        resource: 'ml-admins',
        permission: 'member',
        granted_via: 'direct',
        last_used: '2025-12-01T10:00:00Z',
        created_at: '2024-01-15T09:00:00Z',
        grants: 'model_code=Read/Write; production_models=Admin',
        findings: 'exceeds_role; unused',
        finding_details: 'exceeds_role: grants Admin on Production Models; data-scientist allows Read\nunused: unused for 137 days (threshold 90)',
        reviewer: 'alice',
        reviewer_basis: 'owner',
        decision: 'revoke',
        decided_by: 'alice',
        decided_at: '2026-04-08T14:02:11Z',
        decided_via: 'slack',
        reason: 'left the ML team',
        enforcement_action: 'aws.removeFromGroups',
        enforcement_status: 'changed',
        enforcement_plan: 'remove dana-ml from IAM group ml-admins',
        enforced_at: ENFORCED,
      },
      {
        item_id: items.readonly.id,
        system: 'aws',
        account: ACCOUNT,
        subject: 'dana-ml',
        person: 'dana',
        kind: 'iam-managed-policy',
        resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        permission: 'attached',
        granted_via: 'group:analysts',
        last_used: '2025-11-01T00:00:00Z',
        grants: 'training_data=Read',
        findings: 'unused',
        finding_details: 'unused: unused for 167 days (threshold 90)',
        reviewer: 'alice',
        reviewer_basis: 'owner',
        decision: 'keep',
        decided_by: 'alice',
        decided_at: '2026-04-09T08:00:00Z',
        decided_via: 'api',
        reason: 'quarterly reporting',
      },
      {
        item_id: items.team.id,
        system: 'github',
        account: 'acme',
        subject: 'gina',
        person: 'gina',
        kind: 'github-team',
        resource: 'ml-eng',
        permission: 'member',
        granted_via: 'org-role',
        grants: 'model_code=Read/Write',
        reviewer: 'alice',
        reviewer_basis: 'owner',
        decision: 'keep',
        decided_by: POLICY,
        decided_at: CLOSED,
        decided_via: 'silence',
      },
      {
        item_id: items.breakglass.id,
        system: 'aws',
        account: ACCOUNT,
        subject: 'breakglass',
        person: 'ops-team',
        kind: 'iam-login-profile',
        resource: 'breakglass',
        permission: 'Active',
        granted_via: 'direct',
        findings: 'unused',
        finding_details: 'unused: unused for 400 days (threshold 90)',
        reviewer: 'bob',
        reviewer_basis: 'fallback',
        exception: 'break-glass account, tested twice a year',
        decision: 'keep',
        decided_by: POLICY,
        decided_at: CLOSED,
        decided_via: 'silence',
      },
      {
        item_id: items.key.id,
        system: 'aws',
        account: ACCOUNT,
        subject: 'erin',
        person: 'erin',
        kind: 'iam-access-key',
        resource: 'AKIAEXAMPLE000000001',
        permission: 'Active',
        granted_via: 'direct',
        created_at: '2025-06-01T00:00:00Z',
        findings: 'stale_key',
        finding_details: 'stale_key: access key is 320 days old (threshold 90)',
        reviewer: 'bob',
        reviewer_basis: 'manager',
        decision: 'revoke',
        decided_by: POLICY,
        decided_at: CLOSED,
        decided_via: 'silence',
        enforcement_action: 'aws.deactivateAccessKey',
        enforcement_status: 'already',
        enforcement_plan: 'deactivate access key AKIAEXAMPLE000000001 of erin',
        enforced_at: ENFORCED,
      },
      {
        item_id: items.contractor.id,
        system: 'github',
        account: 'acme',
        subject: 'ext-contractor',
        person: 'frank',
        kind: 'github-outside-collaborator',
        resource: 'acme/models',
        permission: 'push',
        granted_via: 'invitation',
        grants: 'model_code=Read/Write',
        findings: 'external_collaborator',
        finding_details: 'external_collaborator: outside collaborator with push on acme/models',
        reviewer: 'bob',
        reviewer_basis: 'owner',
        decision: 'revoke',
        decided_by: 'bob',
        decided_at: '2026-04-10T16:30:00Z',
        decided_via: 'cli',
        reason: HOSTILE_REASON,
        enforcement_action: 'github.removeOutsideCollaborator',
        enforcement_status: 'failed',
        enforcement_plan: 'remove ext-contractor from acme/models',
        enforcement_error: 'GitHub answered 502 <b>Bad Gateway</b>',
        enforced_at: ENFORCED,
      },
      {
        item_id: items.ghost.id,
        system: 'github',
        account: 'acme',
        subject: 'ghost-user',
        kind: 'github-org-membership',
        resource: 'acme',
        permission: 'member',
        granted_via: 'org-role',
        findings: 'orphaned',
        finding_details: 'orphaned: no person in the directory holds ghost-user',
        reviewer: 'bob',
        reviewer_basis: 'fallback',
        decision: 'revoke',
        decided_by: POLICY,
        decided_at: CLOSED,
        decided_via: 'silence',
        enforcement_action: 'offboarding',
        enforcement_status: 'offboarding',
        enforcement_plan: 'offboard github:acme:ghost-user',
        enforced_at: ENFORCED,
      },
      {
        item_id: items.hostile.id,
        system: 'synthetic',
        account: 'synth',
        subject: `'=HYPERLINK("http://evil.example","x")`,
        person: 'mallory',
        kind: 'synthetic-grant',
        resource: "'+SUM(1,2)",
        permission: "'-1",
        granted_via: "'@import",
        grants: 'inference_api=Execute',
        findings: 'exceeds_role',
        finding_details: 'exceeds_role: grants "Admin", on\nmany <script>alert(1)</script> assets',
        reviewer: 'carol',
        reviewer_basis: 'owner',
      },
      {
        item_id: items.tabbed.id,
        system: 'synthetic',
        account: 'synth',
        subject: 'grace',
        person: 'grace',
        kind: 'synthetic-grant',
        resource: "'\tpayload",
        permission: "'\rcr",
        granted_via: 'direct',
        reviewer: 'carol',
        reviewer_basis: 'manager',
      },
    ];
    expect(rows.length).toBe(1 + expected.length);
    expected.forEach((want, i) => expect(byHeader(rows[i + 1]!), `row ${i + 1} (${want.item_id})`).toEqual({ ...blank, ...want }));
  });

  it('guards against formula injection with a leading quote and quotes fields per RFC 4180', () => {
    const text = stored(first, 'evidence.csv').toString('utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(text).toContain(`"'+SUM(1,2)"`);
    expect(text).toContain(`,'-1,'@import,`);
    expect(text.split('\r\n').some((line) => /(^|,)[=+\-@]/.test(line))).toBe(false);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('writes evidence.json with the campaign summary from the state, totals and every row', () => {
    const pack = JSON.parse(stored(first, 'evidence.json').toString('utf8')) as {
      kind: string;
      version: number;
      campaign: Record<string, unknown>;
      totals: Record<string, unknown>;
      rows: Record<string, unknown>[];
    };
    const state = campaignState(campaignId);
    expect(pack.kind).toBe('warden.review-evidence');
    expect(pack.version).toBe(1);
    expect(pack.campaign).toEqual({
      id: campaignId,
      requestedBy: state.requestedBy,
      dryRun: false,
      scope: ['aws', 'github', 'synthetic'],
      startedAt: state.startedAt,
      deadline: state.deadline,
      closedAt: CLOSED,
      onSilence: 'revoke-flagged',
      approval: state.approval,
      counts: state.counts,
      completionRate: 3 / 9,
    });
    expect(pack.totals).toEqual({
      rows: 9,
      flagged: 7,
      findings: { exceeds_role: 2, unused: 3, stale_key: 1, orphaned: 1, external_collaborator: 1 },
      decidedByPerson: 3,
      keptByPerson: 1,
      revokedByPerson: 2,
      keptOnSilence: 1,
      revokedOnSilence: 2,
      exceptionsKept: 1,
      undecided: 2,
      enforcement: { changed: 1, already: 1, planned: 0, failed: 1, offboarding: 1, 'not-configured': 0 },
      completionRate: 3 / 9,
    });
    expect(pack.rows.map((r) => r.id)).toEqual([items.admin, items.readonly, items.team, items.breakglass, items.key, items.contractor, items.ghost, items.hostile, items.tabbed].map((i) => i.id));
    expect(pack.rows[5]).toEqual({
      id: items.contractor.id,
      system: 'github',
      account: 'acme',
      subject: 'ext-contractor',
      person: 'frank',
      kind: 'github-outside-collaborator',
      resource: 'acme/models',
      permission: 'push',
      grantedVia: 'invitation',
      grants: { model_code: 'Read/Write' },
      findings: [{ kind: 'external_collaborator', detail: 'outside collaborator with push on acme/models' }],
      reviewer: 'bob',
      reviewerBasis: 'owner',
      decision: { decision: 'revoke', by: 'bob', at: '2026-04-10T16:30:00Z', via: 'cli', reason: HOSTILE_REASON },
      enforcement: { action: 'github.removeOutsideCollaborator', status: 'failed', plan: ['remove ext-contractor from acme/models'], at: ENFORCED, error: 'GitHub answered 502 <b>Bad Gateway</b>' },
    });
    expect(pack.rows[3]).toMatchObject({ exception: 'break-glass account, tested twice a year', decision: { via: 'silence', by: POLICY } });
    // No decision recorded (carol's review did not run): the row says so by leaving it out.
    expect(pack.rows[7]).not.toHaveProperty('decision');
    expect(pack.rows[7]).not.toHaveProperty('enforcement');
    expect(pack.rows[6]).not.toHaveProperty('person');
  });

  it('warden review report summarizes evidence.json: counts by decision equal to the totals, by reviewer, overdue', () => {
    const text = stored(first, 'evidence.json').toString('utf8');
    const summary = renderReviewSummary(text);
    const pack = JSON.parse(text) as { campaign: { deadline: string }; rows: { reviewer?: string; decision?: { via: string; at: string } }[] };
    const line = (label: string) => Number(new RegExp(`^  ${label} +(\\d+)$`, 'm').exec(summary)?.[1]);
    expect([line('kept by a person'), line('revoked by a person'), line('kept on silence'), line('revoked on silence'), line('kept as exceptions'), line('undecided')]).toEqual([1, 2, 1, 2, 1, 2]);
    const lateByPerson = pack.rows.filter((r) => r.decision && r.decision.via !== 'silence' && Date.parse(r.decision.at) > Date.parse(pack.campaign.deadline)).length;
    expect(Number(/overdue \(no person's decision by the deadline\) +(\d+)/.exec(summary)?.[1])).toBe(1 + 2 + 2 + lateByPerson);
    expect(summary).toMatch(/^bob +\d+ +\d+/m);
    expect(summary).toContain(`campaign ${campaignId}: 9 entitlements, 7 flagged`);
    expect(summary).toContain('enforcement: ');
  });

  it('renders report.html self-contained, with every hostile value escaped', () => {
    const html = stored(first, 'report.html').toString('utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; contract ended');
    expect(html).toContain('many &lt;script&gt;alert(1)&lt;/script&gt; assets');
    expect(html).toContain('GitHub answered 502 &lt;b&gt;Bad Gateway&lt;/b&gt;');
    expect(html).toContain('33.3% (3 of 9 decided by a person)');
    expect(html).toContain('<tr><td>stale_key</td><td>1</td></tr>');
    expect(html).toContain('<tr><td>unused</td><td>3</td></tr>');
    expect(html).toContain('Revoked on silence (2)');
    expect(html).toContain('Enforcement failures (1)');
    expect(html).toContain('Flagged, revoked or failed items (7)');
    expect(html).toContain('approved by ciso at 2026-04-17T09:01:00Z');
    const section = (title: string) => html.slice(html.indexOf(`<h2>${title}`), html.indexOf('<h2>', html.indexOf(`<h2>${title}`) + 1));
    expect(section('Revoked on silence')).toContain(items.key.id);
    expect(section('Revoked on silence')).toContain(items.ghost.id);
    expect(section('Revoked on silence')).not.toContain(items.contractor.id);
    expect(section('Enforcement failures')).toContain(items.contractor.id);
    expect(html).not.toContain(items.team.id);
  });

  it('emails the compliance recipients the summary with the three stored files attached, byte for byte', () => {
    const mail = smtp.messages.find((m) => m.subject === `Access review ${campaignId}: evidence pack`);
    expect(mail).toBeDefined();
    const to = (Array.isArray(mail?.to) ? mail.to : [mail?.to]).flatMap((a) => a?.value.map((v) => v.address));
    expect(to).toEqual(COMPLIANCE.email);
    expect(mail?.text).toContain('Completion rate: 33.3% (3 of 9 decided by a person).');
    expect(mail?.text).toContain('Revoked: 2 by reviewers, 2 on silence.');
    expect(mail?.text).toContain('The evidence pack is attached (3 files)');
    expect(mail?.html).toContain('33.3% (3 of 9 decided by a person)');
    const attachments = mail?.attachments ?? [];
    expect(attachments.map((a: Attachment) => [a.filename, a.contentType])).toEqual([
      ['evidence.csv', 'text/csv'],
      ['evidence.json', 'application/json'],
      ['report.html', 'text/html'],
    ]);
    for (const a of attachments) expect(Buffer.compare(a.content, stored(first, a.filename ?? '')), a.filename).toBe(0);
  });

  it('posts one summary line to the compliance Slack channel', () => {
    const posts = slack.messages.filter((m) => m.channel === 'C0COMPLY');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.text).toBe(`Access review ${campaignId}: 9 entitlements, 7 flagged, completion 33.3%, 4 revoked (2 on silence), 1 enforcement failures. Evidence: ${first[2]?.uri}`);
  });

  it('reruns to the same URIs and sha256 (the write-once store takes them as already there) and notifies once', async () => {
    const mails = smtp.messages.length;
    const again = await createReviewEvidenceActivities({ deps, store, settings: { compliance: COMPLIANCE } }).reviewEvidencePack({ campaignId, state: campaignState(campaignId) });
    expect(again).toEqual(first);
    const csv = await deps.evidence?.put(evidenceKey(campaignId, 'evidence.csv'), stored(first, 'evidence.csv'), 'text/csv');
    expect(csv?.already).toBe(true);
    expect(smtp.messages.length).toBe(mails);
    expect(slack.messages.filter((m) => m.channel === 'C0COMPLY')).toHaveLength(1);
  });

  it('refuses a state of another campaign, and runs nowhere without an evidence store', async () => {
    const act = createReviewEvidenceActivities({ deps, store, settings: { compliance: COMPLIANCE } });
    await expect(act.reviewEvidencePack({ campaignId, state: campaignState('other') })).rejects.toMatchObject({ type: 'CampaignMismatch', nonRetryable: true });
    const bare = createReviewEvidenceActivities({ deps: {}, store, settings: { compliance: COMPLIANCE } });
    const failure = await bare.reviewEvidencePack({ campaignId, state: campaignState(campaignId) }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'EvidenceNotConfigured', nonRetryable: true });
  });

  it('packs a dry run with no decisions, skips unconfigured mail and Slack and logs why, heartbeating as it reads', async () => {
    const dryId = 'dry-2026-q2';
    await fillStore(store, dryId, false);
    const warnings: string[] = [];
    const heartbeats: unknown[] = [];
    const logger = {
      log: (level: LogLevel, message: string, _meta?: LogMetadata) => {
        if (level === 'WARN') warnings.push(message);
      },
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => {
        warnings.push(message);
      },
      error: () => undefined,
    };
    const env = new MockActivityEnvironment(undefined, { logger });
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));
    const act = createReviewEvidenceActivities({ deps: { evidence: deps.evidence }, store, settings: { compliance: COMPLIANCE } });
    const state = campaignState(dryId, { dryRun: true, completionRate: 0 });
    const pack = (input: ReviewEvidenceInput) => act.reviewEvidencePack(input);
    const result = await env.run<[ReviewEvidenceInput], CampaignEvidence[], typeof pack>(pack, { campaignId: dryId, state });

    expect(result.map((e) => e.name)).toEqual(['evidence.csv', 'evidence.json', 'report.html']);
    const rows = parseCsv(stored(result, 'evidence.csv').toString('utf8')).slice(1).map(byHeader);
    expect(rows).toHaveLength(9);
    expect(rows.every((r) => r.decision === '' && r.decided_by === '' && r.enforcement_status === '')).toBe(true);
    expect(stored(result, 'report.html').toString('utf8')).toContain('Dry run.');
    expect(heartbeats).toEqual([{ reviewers: 3, rows: 9 }]);
    expect(warnings).toEqual([
      `review ${dryId}: evidence pack not emailed: email is not configured (SMTP_URL)`,
      `review ${dryId}: evidence pack not posted to Slack: Slack is not configured (SLACK_BOT_TOKEN)`,
    ]);
  });

  it('packs 100,000 entitlements, and mails the URIs instead of attachments too large to send', async () => {
    const bigId = 'bench-100k';
    const reviewers = 100;
    const perReviewer = 1_000;
    await store.openCampaign(bigId, { scope: ['synthetic'] });
    for (let r = 0; r < reviewers; r++) {
      const reviewer = `reviewer-${String(r).padStart(3, '0')}`;
      const list: ReviewItem[] = [];
      for (let n = 0; n < perReviewer; n++) {
        const subject = `user-${r}-${n}`;
        list.push(
          base({
            id: `synthetic:big:${subject}:synthetic-grant:${n % 7}`,
            system: 'synthetic',
            account: 'big',
            subject,
            personId: `p-${r}-${n}`,
            kind: 'synthetic-grant',
            resource: `asset-${n % 7}`,
            grants: { model_code: 'Read' },
            lastUsed: '2026-01-01T00:00:00Z',
            findings: n % 10 === 0 ? [{ kind: 'unused', detail: 'unused for 120 days (threshold 90)' }] : [],
            reviewer,
          }),
        );
      }
      await store.putBatch(bigId, `b-${r}`, list);
      const decided = list.map((i, n): ItemDecision => (n % 10 === 0 ? silence(i, 'revoke') : decision(i, { decision: 'keep', by: reviewer, at: '2026-04-05T00:00:00Z', via: 'slack' })));
      await store.putDecisions(bigId, reviewer, decided);
      await store.putEnforcement(
        bigId,
        reviewer,
        list.filter((_, n) => n % 10 === 0).map((i) => ({ itemId: i.id, action: 'synthetic.revoke', status: 'changed' as const, plan: [`revoke ${i.id}`], at: ENFORCED })),
      );
    }
    const act = createReviewEvidenceActivities({ deps, store, settings: { compliance: { email: COMPLIANCE.email } } });
    const started = performance.now();
    const result = await act.reviewEvidencePack({ campaignId: bigId, state: campaignState(bigId) });
    const ms = performance.now() - started;
    const sizes = result.map((e) => `${e.name} ${(stored(result, e.name).byteLength / 1e6).toFixed(1)} MB`).join(', ');
    console.log(`evidence pack of 100,000 entitlements: ${ms.toFixed(0)} ms (${sizes})`);

    const csv = stored(result, 'evidence.csv').toString('utf8');
    expect(parseCsv(csv)).toHaveLength(100_001);
    expect((JSON.parse(stored(result, 'evidence.json').toString('utf8')) as { rows: unknown[] }).rows).toHaveLength(100_000);
    const html = stored(result, 'report.html').toString('utf8');
    expect(html).toContain('Showing the first 5000 of 10000; the full list is in evidence.csv.');
    const mail = smtp.messages.find((m) => m.subject === `Access review ${bigId}: evidence pack`);
    expect(mail?.attachments).toEqual([]);
    expect(mail?.text).toContain('is too large to attach; it is stored at:');
    for (const e of result) expect(mail?.text).toContain(`- ${e.name}: ${e.uri} (sha256 ${e.sha256})`);
  }, 300_000);
});
