import type { Client } from '@temporalio/client';
import { incidentStateQuery } from '../../contracts/incident.js';
import type { ApiAuth } from '../auth/api-auth.js';
import { HttpError } from '../http-json.js';
import type { Route } from '../router.js';
import { steer } from '../temporal-errors.js';
import { incidentHandle, incidentIdOf, REFUSALS } from './incident-action.js';
import { readRecordedEvidence, type EvidenceReader } from './review-access.js';

const STEP_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** What a step recorded of the evidence it stored (`evidence.snapshot`'s output), when it did. */
function recordedEvidence(output: unknown): { readonly key: string; readonly uri: string; readonly sha256: string } | undefined {
  const o = output as Record<string, unknown> | undefined;
  return o && typeof o.key === 'string' && typeof o.uri === 'string' && typeof o.sha256 === 'string' ? { key: o.key, uri: o.uri, sha256: o.sha256 } : undefined;
}

/**
 * GET /v1/incidents/:id/evidence/:stepId: the evidence file a step of the incident stored, as it
 * recorded it (uri and sha256), read from the evidence store and checked: the incident's
 * "evidence downloads". 404 when the step stored none (a dry run plans it and stores nothing).
 */
export function incidentEvidenceRoutes(d: { client: Client; auth: ApiAuth; evidence: EvidenceReader }): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/incidents/:id/evidence/:stepId',
      async handle(req, res, params) {
        d.auth.authorize(req, 'viewer', 'read incidents');
        const id = incidentIdOf(params.id);
        const stepId = params.stepId ?? '';
        if (!STEP_ID.test(stepId)) throw new HttpError(400, 'invalid step id', [{ path: 'stepId', message: '1-64 letters, digits and _ . -' }]);
        const state = await steer(incidentHandle(d.client, id), 'reading the incident', REFUSALS, (h) => h.query(incidentStateQuery));
        const step = Object.hasOwn(state.steps, stepId) ? state.steps[stepId] : undefined;
        if (!step) throw new HttpError(404, `incident ${id} has no step ${stepId}`);
        const entry = ['applied', 'already_so', 'succeeded'].includes(step.status) ? recordedEvidence(step.output) : undefined;
        if (!entry) throw new HttpError(404, `step ${stepId} of incident ${id} stored no evidence (it is ${step.status})`);
        const name = entry.key.split('/').pop() ?? 'evidence.json';
        const body = await readRecordedEvidence(d.evidence, { name, uri: entry.uri, sha256: entry.sha256 }, `step ${stepId}`);
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': body.byteLength,
          'content-disposition': `attachment; filename="${id.replace(/[^\w.-]/g, '_')}-${name.replace(/[^\w.-]/g, '_')}"`,
          'x-content-type-options': 'nosniff',
        });
        res.end(body);
      },
    },
  ];
}
