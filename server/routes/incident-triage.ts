/**
 * A person's triage over the API: acknowledge, mark a false positive, merge into another incident,
 * start a playbook in a triage incident. Each is one of incidents.ts's `act()` routes (responder,
 * never the incident's own principal, the body checked); the workflow's validator has the last word.
 */
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { incidentStateQuery } from '../../contracts/incident.js';
import { acknowledgeUpdate, mergeInUpdate, mttaMs, triageUpdate } from '../../contracts/incident-triage.js';
import type { LoadedPlaybook } from '../../playbook/load.js';
import { HttpError } from '../http-json.js';
import type { ResponseName, Route } from '../router.js';
import { steer } from '../temporal-errors.js';
import { incidentHandle, incidentIdOf, REFUSALS, type Action } from './incident-action.js';

const reason = z.string().trim().min(1, 'must not be empty').max(2000);
const ackBody = z.strictObject({});
const falsePositiveBody = z.strictObject({ reason });
const mergeBody = z.strictObject({ into: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'an incident id: letters, digits, . _ - (at most 128)'), reason: reason.optional() });
const playbookBody = z.strictObject({ playbook: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a playbook id'), reason: reason.optional() });

/** The triage routes, each for `act()`; `playbooks` is the loaded catalog a started playbook is resolved in. */
export function triageActions(client: Client, playbooks: readonly LoadedPlaybook[], act: <B, N extends ResponseName>(a: Action<B, N>) => Route): Route[] {
  return [
    act({
      path: 'acknowledge',
      answer: 'Acknowledged',
      doing: 'acknowledge incidents',
      aboutSelf: 'acknowledge this incident',
      body: ackBody,
      what: 'acknowledgement',
      steering: 'acknowledging',
      async run(h, _body, caller) {
        const acknowledged = await h.executeUpdate(acknowledgeUpdate, { args: [{ by: caller.id }] });
        const state = await h.query(incidentStateQuery);
        return { acknowledged, mttaMs: mttaMs(state) ?? null };
      },
    }),
    act({
      path: 'false-positive',
      answer: 'IncidentStatusAnswer',
      doing: 'triage incidents',
      aboutSelf: 'mark this incident a false positive',
      body: falsePositiveBody,
      what: 'false positive',
      steering: 'marking a false positive',
      run: async (h, body, caller) => ({ status: await h.executeUpdate(triageUpdate, { args: [{ action: 'false_positive', by: caller.id, reason: body.reason }] }) }),
    }),
    act({
      path: 'merge',
      answer: 'Merged',
      doing: 'triage incidents',
      aboutSelf: 'merge this incident',
      body: mergeBody,
      what: 'merge',
      steering: 'merging',
      async run(h, body, caller, _req, params) {
        const id = incidentIdOf(params.id);
        if (body.into === id) throw new HttpError(400, 'an incident cannot be merged into itself', [{ path: 'into', message: 'the id of another incident' }]);
        const target = incidentHandle(client, body.into);
        const words = { ...REFUSALS, missing: `no such incident: ${body.into} (the merge target)`, closed: `incident ${body.into} is closed: merge into an open incident` };
        const into = await steer(target, 'reading the merge target', words, (t) => t.query(incidentStateQuery));
        const source = await h.query(incidentStateQuery);
        // Idempotent: a repeated merge into the same target does not end the incident again, and the target takes its alerts once.
        if (source.mergedInto?.incidentId !== body.into) {
          if (into.phase === 'done') throw new HttpError(409, `incident ${body.into} is already ${into.status}: merge into an open incident`);
          await h.executeUpdate(triageUpdate, { args: [{ action: 'merge', by: caller.id, mergeInto: body.into, ...(body.reason ? { reason: body.reason } : {}) }] });
        }
        const alerts = await steer(target, 'merging into the target', words, (t) => t.executeUpdate(mergeInUpdate, { args: [{ by: caller.id, from: id, alerts: source.alerts.recent }] }));
        return { status: 'merged', mergedInto: body.into, targetAlerts: alerts };
      },
    }),
    act({
      path: 'playbook',
      answer: 'PlaybookStarted',
      doing: 'triage incidents',
      aboutSelf: 'start a playbook in this incident',
      body: playbookBody,
      what: 'playbook start',
      steering: 'starting the playbook',
      async run(h, body, caller) {
        const loaded = playbooks.find((p) => p.playbook.id === body.playbook);
        if (!loaded) {
          const known = playbooks.map((p) => p.playbook.id).join(', ');
          throw new HttpError(400, `no playbook "${body.playbook}" is loaded`, [{ path: 'playbook', message: `one of the loaded playbooks: ${known || 'none'}` }]);
        }
        const args = { action: 'start_playbook' as const, by: caller.id, playbook: loaded.playbook, playbookSha256: loaded.sha256, ...(body.reason ? { reason: body.reason } : {}) };
        return { status: await h.executeUpdate(triageUpdate, { args: [args] }), playbook: loaded.playbook.id, version: loaded.playbook.version };
      },
    }),
  ];
}
