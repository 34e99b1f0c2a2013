// The bench worker's workflowsPath: every Warden workflow, and the bench's baselines.
export * from '../workflows/index.js';
export { replayCallsWorkflow, firstActivityWorkflow, alertSinkWorkflow } from './baseline-workflows.js';
