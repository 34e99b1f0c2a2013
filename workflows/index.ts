// The worker's workflowsPath: every workflow type Warden registers.
export { smokeWorkflow } from './smoke.js';
export { incidentWorkflow } from './incident/incident.js';
export { postIncidentNotesWorkflow } from './incident/post-notes.js';
export { offboardingWorkflow } from './offboarding/offboarding.js';
export { reviewCampaignWorkflow } from './reviews/campaign.js';
export { reviewShardWorkflow } from './reviews/shard.js';
export { reviewerWorkflow } from './reviews/reviewer.js';
export { auditWorkflow } from './audit/audit.js';
export { inventoryScanWorkflow } from './inventory/scan.js';
export { consoleLogoutWorkflow } from './console/logout.js';
