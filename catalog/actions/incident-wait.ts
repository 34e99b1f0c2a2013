import { z } from 'zod';
import { DURATION_PATTERN } from '../../engine/duration.js';
import { defineAction } from '../types.js';

/** Waits on a durable timer (survives worker and server restarts). Runs in the workflow itself. */
export const incidentWait = defineAction({
  name: 'incident.wait',
  title: 'Wait',
  kind: 'workflow',
  runner: 'in-workflow',
  destructive: false,
  describe: (p) => [`wait ${p.duration}`],
  params: z.strictObject({ duration: z.string().regex(DURATION_PATTERN, 'a duration such as "30s", "15m" or "4h"') }),
});
