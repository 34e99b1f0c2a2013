import type { IncomingMessage } from 'node:http';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Directory, Person } from '../../contracts/directory.js';
import { PERSON_ID } from '../../config/directory.js';
import type { IdentityConfig } from '../../config/file-config.js';
import { REVIEW_SYSTEMS, type ReviewSystem } from '../../contracts/review-types.js';
import { requireConfigured } from './review-scope.js';
import {
  reviewApproveUpdate,
  reviewCampaignStateQuery,
  reviewCampaignWorkflowId,
  reviewDecideUpdate,
  reviewerWorkflowId,
  type CampaignState,
  type ReviewCampaignInput,
} from '../../contracts/reviews.js';
import { clientOf, type ApiAuth, type Caller } from '../auth/api-auth.js';
import { HttpError, parseBody, readJsonBody } from '../http-json.js';
import { route, type Params, type Route } from '../router.js';
import { orUnavailable, steer, type RefusalWords } from '../temporal-errors.js';
import { adhocCampaignId, createPersonResolver, readCampaignReport, REPORT_FORMATS, type EvidenceReader } from './review-access.js';
import { readReviewerView, reviewerOf, reviewerPageParams } from '../reviewer-state.js';

export interface ReviewRouteDeps {
  readonly client: Client;
  /** Bearer identities: viewers read, responders start campaigns and approve, admins also drill. */
  readonly auth: ApiAuth;
  /** The people in warden.yaml: a caller decides as the person their identity maps to. */
  readonly directory: Directory;
  /** The identities of warden.yaml, for their emails (how an identity maps to a person). */
  readonly identities: readonly IdentityConfig[];
  readonly taskQueue: string;
  /** Where the campaigns store their evidence packs: the workers' evidence store. */
  readonly evidence: EvidenceReader;
  /** The systems whose providers are configured (the server's environment, as the workers'); absent: not checked here. */
  readonly configured?: readonly ReviewSystem[];
}

const BODY_LIMIT = 64 * 1024;
/** Decisions may list every item of a large review. */
const DECISIONS_LIMIT = 1024 * 1024;
/** A campaign id given at start: it also names evidence keys. */
const NEW_CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NEW_CAMPAIGN_ID_HINT = '1-64 letters, digits and . _ - (starting with a letter or digit)';
/** Any campaign id, including a scheduled one: `quarterly-2026-01-01T09:00:00Z`. */
const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const DAY_MS = 86_400_000;
const ms = (max: number) => z.number().int().min(1).max(max);

const startBody = z
  .strictObject({
    id: z
      .string()
      .regex(NEW_CAMPAIGN_ID, NEW_CAMPAIGN_ID_HINT)
      .refine((id) => !id.includes('--'), 'may not contain "--" (reviewer and shard workflows of a campaign are named <id>--…)')
      .optional(),
    scope: z
      .array(z.enum(REVIEW_SYSTEMS))
      .min(1)
      .refine((s) => new Set(s).size === s.length, 'each system at most once')
      .optional(),
    dry_run: z.boolean().default(false),
    synthetic: z
      .strictObject({
        entitlements: z.number().int().min(1).max(10_000_000),
        reviewers: z.number().int().min(1).max(1_000_000),
        seed: z.number().int().optional(),
      })
      .optional(),
    timing: z
      .strictObject({
        deadline_ms: ms(366 * DAY_MS).optional(),
        grace_ms: z
          .number()
          .int()
          .min(0)
          .max(90 * DAY_MS)
          .optional(),
        reminders_ms: z
          .array(ms(366 * DAY_MS))
          .max(20)
          .optional(),
      })
      .optional(),
  })
  .superRefine((b, ctx) => {
    if (b.scope?.includes('synthetic') && !b.synthetic) ctx.addIssue({ code: 'custom', path: ['scope'], message: 'synthetic needs the synthetic: { entitlements, reviewers } spec' });
    const deadline = b.timing?.deadline_ms;
    if (deadline === undefined) return;
    b.timing?.reminders_ms?.forEach((r, i) => {
      if (r >= deadline) ctx.addIssue({ code: 'custom', path: ['timing', 'reminders_ms', i], message: 'a reminder is sent before the deadline: less than deadline_ms' });
    });
  });
const decisionsBody = z
  .strictObject({
    reviewer: z.string().regex(PERSON_ID, 'a person id').optional(),
    decisions: z
      .array(z.strictObject({ item: z.string().min(1).max(512), decision: z.enum(['keep', 'revoke']), reason: z.string().trim().min(1).max(2000).optional() }))
      .max(10_000)
      .optional(),
    keep_all_unflagged: z.boolean().optional(),
  })
  .refine((b) => (b.decisions?.length ?? 0) > 0 || b.keep_all_unflagged === true, { path: ['decisions'], message: 'give decisions, keep_all_unflagged: true, or both' });
const approvalBody = z.strictObject({ approve: z.boolean(), reason: z.string().trim().min(1).max(2000).optional() });
const reportQuery = z.strictObject({ format: z.enum(REPORT_FORMATS).default('json') });

export function campaignOf(params: Params): string {
  const id = params.id ?? '';
  if (!CAMPAIGN_ID.test(id)) throw new HttpError(400, 'invalid campaign id', [{ path: 'id', message: 'letters, digits and . _ : - (at most 128)' }]);
  return id;
}

const isResponder = (caller: Caller) => caller.roles.some((r) => r === 'responder' || r === 'admin');

const CAMPAIGN_REFUSALS: RefusalWords = {
  closed: 'the campaign is finished: it takes no approval any more',
  missing: 'no such campaign',
  forbidden: /\bis not in group\b/,
};
/** Words for one reviewer's workflow; its validator's "you may not" refusals are 403. */
const reviewerRefusals = (campaignId: string, reviewer: string): RefusalWords => ({
  closed: `the review of ${reviewer} in campaign ${campaignId} is closed: it takes no decisions any more`,
  missing: `no reviewer workflow ${reviewerWorkflowId(campaignId, reviewer)}: ${reviewer} reviews nothing in campaign ${campaignId} (or there is no such campaign)`,
  forbidden: /\bmay not\b/,
});
/** An item the reviewer does not have is a 404 (the validator says "is not among"); other refusals as steer maps them. */
const itemNotFound = (err: unknown): never => {
  if (err instanceof HttpError && err.status === 409 && /\bis not among\b/.test(err.message)) throw new HttpError(404, err.message);
  throw err;
};

/**
 * The access-review endpoints: start a campaign, read its state, its report and one reviewer's
 * review, decide items (as the directory person the caller's identity maps to, never a name from
 * the body), and approve a campaign's revocations.
 */
export function reviewRoutes(d: ReviewRouteDeps): Route[] {
  const personOf = createPersonResolver(d.directory, d.identities);
  const authed = (req: IncomingMessage, role: 'viewer' | 'responder', doing: string): Caller => d.auth.authorize(req, role, doing);
  const campaignHandle = (params: Params) => d.client.workflow.getHandle(reviewCampaignWorkflowId(campaignOf(params)));
  /** A completed campaign's result is its final state: read without a worker replaying its history. */
  const readCampaign = (params: Params): Promise<CampaignState> =>
    steer(campaignHandle(params), 'reading the campaign', CAMPAIGN_REFUSALS, async (h) =>
      (await h.describe()).status.name === 'COMPLETED' ? ((await h.result()) as CampaignState) : h.query(reviewCampaignStateQuery),
    );
  const requirePerson = async (caller: Caller, doing: string): Promise<Person> => {
    const person = await personOf(caller);
    if (!person) throw new HttpError(403, `${caller.id} may not ${doing}: the identity maps to no person in the directory (people: in warden.yaml, by id or email)`);
    return person;
  };

  return [
    route({
      method: 'POST',
      path: '/v1/reviews',
      responses: { 202: 'CampaignStarted' },
      body: startBody,
      async handle(req, res, _params, send) {
        const caller = authed(req, 'responder', 'start access reviews');
        const body = parseBody(startBody, await readJsonBody(req, BODY_LIMIT), 'review request');
        if (body.synthetic || body.timing) d.auth.require(caller, 'admin', `set ${body.synthetic ? 'synthetic' : 'timing'} (drills and tests)`);
        requireConfigured(body.scope, d.configured);
        const id = body.id ?? adhocCampaignId(new Date());
        const workflowId = reviewCampaignWorkflowId(id);
        const t = body.timing;
        const input: ReviewCampaignInput = {
          campaignId: id,
          dryRun: body.dry_run,
          requestedBy: caller.id,
          ...(body.scope ? { scope: body.scope } : {}),
          ...(body.synthetic ? { synthetic: body.synthetic } : {}),
          ...(t
            ? {
                timing: {
                  ...(t.deadline_ms !== undefined ? { deadlineMs: t.deadline_ms } : {}),
                  ...(t.grace_ms !== undefined ? { graceMs: t.grace_ms } : {}),
                  ...(t.reminders_ms ? { remindersMs: t.reminders_ms } : {}),
                },
              }
            : {}),
        };
        await orUnavailable('starting the campaign', async () => {
          try {
            // Campaign ids are never reused: the id names the campaign's stored items and evidence.
            await d.client.workflow.start('reviewCampaignWorkflow', { taskQueue: d.taskQueue, workflowId, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
          } catch (err) {
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
            const status = await d.client.workflow
              .getHandle(workflowId)
              .describe()
              .then(
                (x) => x.status.name,
                () => undefined,
              );
            throw new HttpError(
              409,
              status === 'RUNNING' ? `campaign ${id} is already running` : `campaign ${id} already ran${status ? ` (${status.toLowerCase()})` : ''}; campaign ids are not reused: choose another id`,
            );
          }
        });
        send(202, { id, workflow_id: workflowId });
      },
    }),
    route({
      method: 'GET',
      path: '/v1/reviews/:id',
      responses: { 200: 'CampaignState' },
      async handle(req, res, params, send) {
        authed(req, 'viewer', 'read access reviews');
        send(200, await readCampaign(params));
      },
    }),
    {
      method: 'GET',
      path: '/v1/reviews/:id/report',
      query: reportQuery,
      async handle(req, res, params) {
        // Every entitlement of the organization, unused admin access and stale keys included.
        authed(req, 'responder', 'read access review evidence');
        const q = parseBody(reportQuery, Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams), 'query');
        const file = await readCampaignReport(d.evidence, await readCampaign(params), q.format);
        res.writeHead(200, {
          'content-type': file.contentType,
          'content-length': file.body.byteLength,
          'content-disposition': `inline; filename="review-${campaignOf(params).replace(/[^\w.-]/g, '_')}-${file.name}"`,
          'x-content-type-options': 'nosniff',
          // The report names accounts and resources from the providers: never let it run script.
          ...(q.format === 'html' ? { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" } : {}),
        });
        res.end(file.body);
      },
    },
    route({
      method: 'GET',
      path: '/v1/reviews/:id/reviewers/:reviewer',
      responses: { 200: 'ReviewerView' },
      query: reviewerPageParams,
      async handle(req, res, params, send) {
        const caller = authed(req, 'viewer', 'read access reviews');
        const campaignId = campaignOf(params);
        const reviewer = reviewerOf(params);
        const person = isResponder(caller) ? undefined : await requirePerson(caller, `read the review of ${reviewer}`);
        const q = parseBody(reviewerPageParams, Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams), 'query');
        const handle = d.client.workflow.getHandle(reviewerWorkflowId(campaignId, reviewer));
        // A page when ?offset= or ?limit= asks for one (50,000 items are many MB), else the whole state, read page by page.
        const state = await steer(handle, 'reading the review', reviewerRefusals(campaignId, reviewer), (h) => readReviewerView(h, q));
        if (person && person.id !== state.reviewer && person.id !== state.escalatedTo) {
          throw new HttpError(403, `${caller.id} may not read the review of ${reviewer}: only the reviewer, the manager it was escalated to, or a responder may`);
        }
        send(200, state);
      },
    }),
    route({
      method: 'POST',
      path: '/v1/reviews/:id/decisions',
      responses: { 200: 'ReviewDecisionsAnswer' },
      body: decisionsBody,
      async handle(req, res, params, send) {
        const caller = authed(req, 'viewer', 'decide access reviews');
        const campaignId = campaignOf(params);
        const body = parseBody(decisionsBody, await readJsonBody(req, DECISIONS_LIMIT), 'decisions');
        const person = await requirePerson(caller, 'decide access reviews');
        const reviewer = body.reviewer ?? person.id;
        const handle = d.client.workflow.getHandle(reviewerWorkflowId(campaignId, reviewer));
        const result = await steer(handle, 'deciding', reviewerRefusals(campaignId, reviewer), (h) =>
          h.executeUpdate(reviewDecideUpdate, {
            args: [
              {
                by: person.id,
                via: clientOf(req),
                ...(body.decisions ? { decisions: body.decisions.map((x) => ({ item: x.item, decision: x.decision, ...(x.reason ? { reason: x.reason } : {}) })) } : {}),
                ...(body.keep_all_unflagged ? { keepAllUnflagged: true } : {}),
              },
            ],
          }),
        ).catch(itemNotFound);
        send(200, { reviewer, by: person.id, ...result });
      },
    }),
    route({
      method: 'POST',
      path: '/v1/reviews/:id/approval',
      responses: { 200: 'ReviewApprovalAnswer' },
      body: approvalBody,
      async handle(req, res, params, send) {
        const caller = authed(req, 'responder', 'approve access-review revocations');
        const body = parseBody(approvalBody, await readJsonBody(req, BODY_LIMIT), 'approval');
        const approval = await steer(campaignHandle(params), 'approving', CAMPAIGN_REFUSALS, (h) =>
          h.executeUpdate(reviewApproveUpdate, { args: [{ by: caller.id, groups: caller.groups, approve: body.approve, ...(body.reason ? { reason: body.reason } : {}) }] }),
        );
        send(200, { approval });
      },
    }),
  ];
}
