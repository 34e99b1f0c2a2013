// The worker's workflowsPath: every workflow type Warden registers.
export { smokeWorkflow } from './smoke.js';
