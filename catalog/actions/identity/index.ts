import type { ActionDefinition } from '../../types.js';
import { identityOffboard } from './offboard.js';

/** The identity actions: offboarding, run by the workflow itself. */
export const IDENTITY_ACTIONS = [identityOffboard] as const satisfies readonly ActionDefinition[];
