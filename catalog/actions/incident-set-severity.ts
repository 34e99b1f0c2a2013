import { z } from 'zod';
import { SEVERITIES } from '../../engine/playbook-types.js';
import { defineAction } from '../types.js';

/** Changes the incident's severity. Runs in the workflow itself; recorded in the incident. */
export const incidentSetSeverity = defineAction({
  name: 'incident.setSeverity',
  title: 'Set incident severity',
  kind: 'workflow',
  runner: 'in-workflow',
  destructive: false,
  describe: (p) => [`set the incident's severity to ${p.severity}`],
  params: z.strictObject({ severity: z.enum(SEVERITIES), reason: z.string().optional() }),
});
