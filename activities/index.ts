import { createDiagnosticsActivities } from './diagnostics.js';

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities() {
  return { ...createDiagnosticsActivities() };
}

export type WardenActivities = ReturnType<typeof createActivities>;
