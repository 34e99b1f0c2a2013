import { z } from 'zod';
import { defineAction, requireDep } from '../types.js';

/** Writes the incident's alerts, state and step outputs as a JSON bundle to the evidence store (write-once). */
export const evidenceSnapshot = defineAction({
  name: 'evidence.snapshot',
  title: 'Snapshot evidence',
  kind: 'evidence',
  destructive: false,
  params: z.strictObject({
    label: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1-64 characters of A-Z a-z 0-9 . _ -')
      .default('snapshot'),
  }),
  describe: (p) => [`write the incident's alerts, state and outputs to the evidence store (${p.label})`],
  async run(p, ctx, dryRun) {
    const key = `incidents/${ctx.incidentId}/${ctx.stepId}-${p.label}.json`;
    const plan = [`write the incident's alerts, state and outputs to evidence ${key}`];
    if (dryRun) return { status: 'planned', plan, output: { key } };
    const store = requireDep(ctx.deps, 'evidence', 'set WARDEN_EVIDENCE_DIR');
    const body = JSON.stringify({ incidentId: ctx.incidentId, step: ctx.stepId, label: p.label, incident: ctx.incident }, null, 2);
    const stored = await store.put(key, body, 'application/json');
    return { status: stored.already ? 'already' : 'changed', plan, output: { key, uri: stored.uri, sha256: stored.sha256, bytes: stored.bytes } };
  },
});
