/**
 * Every route of the API, built with stand-in dependencies that no test here calls: what the
 * OpenAPI document must describe (test/cli/api-commands.test.ts) and what its request bodies are
 * generated from (test/lint/openapi-generated.test.ts).
 */
import type { Client } from '@temporalio/client';
import type { WardenConfig } from '../../config/config.js';
import type { Directory } from '../../contracts/directory.js';
import type { ApiAuth } from '../../server/auth/api-auth.js';
import { oidcRoutes } from '../../server/console/oidc-routes.js';
import { consoleSessionRoutes } from '../../server/console/routes.js';
import type { IngestDeps } from '../../server/intake/ingest.js';
import { createRateLimiter } from '../../server/intake/rate-limit.js';
import { createServerMetrics, metricsRoute } from '../../server/metrics/registry.js';
import type { Route } from '../../server/router.js';
import { alertRoutes } from '../../server/routes/alerts.js';
import { approvalRoutes } from '../../server/routes/approvals.js';
import { auditRoutes } from '../../server/routes/audit.js';
import { codecRoutes } from '../../server/routes/codec.js';
import { configRoutes } from '../../server/routes/config.js';
import { healthRoutes } from '../../server/routes/health.js';
import { incidentEvidenceRoutes } from '../../server/routes/incident-evidence.js';
import { incidentRoutes } from '../../server/routes/incidents.js';
import { inventoryRoutes } from '../../server/routes/inventory.js';
import { kpiRoutes } from '../../server/routes/kpis.js';
import { offboardingListRoutes } from '../../server/routes/offboarding-list.js';
import { offboardingRoutes } from '../../server/routes/offboardings.js';
import { openapiRoutes } from '../../server/routes/openapi.js';
import { localEvidenceReader } from '../../server/routes/review-access.js';
import { reviewProgressRoutes } from '../../server/routes/review-progress.js';
import { reviewRoutes } from '../../server/routes/reviews.js';
import { TEST_SIGNER } from './decisions.js';

export function allApiRoutes(): Route[] {
  const dummy = undefined as unknown;
  return [
    ...alertRoutes({
      ingest: dummy as IngestDeps,
      credentials: { webhook: 'w'.repeat(16), github: 'g'.repeat(16), alertmanager: 'a'.repeat(16), guardduty: 'd'.repeat(16), mlflow: 'm'.repeat(16) },
      rateLimiter: createRateLimiter(1),
      dryRunDefault: false,
    }),
    ...incidentRoutes(dummy as Client, dummy as ApiAuth, TEST_SIGNER),
    ...incidentEvidenceRoutes({ client: dummy as Client, auth: dummy as ApiAuth, evidence: localEvidenceReader('x') }),
    ...offboardingListRoutes({ client: dummy as Client, auth: dummy as ApiAuth }),
    ...reviewProgressRoutes({ client: dummy as Client, auth: dummy as ApiAuth }),
    ...offboardingRoutes({ client: dummy as Client, directory: dummy as Directory, taskQueue: 'x', auth: dummy as ApiAuth, signer: TEST_SIGNER }),
    ...reviewRoutes({ client: dummy as Client, auth: dummy as ApiAuth, directory: dummy as Directory, identities: [], taskQueue: 'x', evidence: localEvidenceReader('x') }),
    ...kpiRoutes(dummy as Client, dummy as ApiAuth),
    ...inventoryRoutes({ client: dummy as Client, auth: dummy as ApiAuth, taskQueue: 'x', evidence: localEvidenceReader('x') }),
    ...approvalRoutes({ client: dummy as Client, auth: dummy as ApiAuth }),
    ...configRoutes({ auth: dummy as ApiAuth, config: dummy as WardenConfig, personOf: dummy as never, reload: dummy as never }),
    ...healthRoutes({ check: () => Promise.reject(new Error('unused')) }),
    ...codecRoutes({ codec: { encode: async (p) => p, decode: async (p) => p }, corsOrigins: [], token: 'c'.repeat(16) }),
    ...openapiRoutes(),
    metricsRoute(createServerMetrics(), () => undefined),
    ...auditRoutes({ auth: dummy as ApiAuth, store: dummy as never, publicKey: 'unused' }),
    ...consoleSessionRoutes({ auth: dummy as ApiAuth, sessions: dummy as never }),
    ...oidcRoutes({ settings: () => undefined, client: dummy as never, sessions: dummy as never, personWithEmail: dummy as never }),
  ];
}
