// The worker's workflowsPath: every workflow type Warden registers.
export { smokeWorkflow } from './smoke.js';
export { incidentWorkflow } from './incident.js';
export { offboardingWorkflow } from './offboarding.js';
export { reviewCampaignWorkflow } from './review-campaign.js';
export { reviewShardWorkflow } from './review-shard.js';
export { reviewerWorkflow } from './review-reviewer.js';
