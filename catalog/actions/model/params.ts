import { z } from 'zod';

/** How to configure the provider, for the "not configured" dry-run note. */
export const HOW = 'set MLFLOW_TRACKING_URI';

export const model = z.string().min(1).describe('registered model name');
export const alias = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'an alias such as champion')
  .default('champion');
export const version = z.string().regex(/^\d+$/, 'a version number');
