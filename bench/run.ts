/**
 * npm run bench: what Warden's machinery costs on top of bare Temporal, measured in one run on
 * one local dev server. The baseline is the smoke workflow (one activity round trip, encrypted
 * payloads like everything else); the subject is a dry-run incident of the triage playbook
 * (three steps: two evidence plans and a notification plan, templating, query handlers).
 * Reports medians of per-workflow latency, and throughput with N in flight, and their ratios.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { wardenDataConverter } from '../codec/data-converter.js';
import { keyringOf } from '../codec/keyring.js';
import { loadPlaybooks } from '../playbook/load.js';
import { findTemporalCli } from '../temporal/cli-binary.js';
import { startDevServer } from '../temporal/dev-server.js';
import { createLocalEvidenceStore } from '../activities/providers/evidence/local-evidence-store.js';
import { createLocalReviewStore } from '../activities/providers/review-store/local-review-store.js';
import { reviewSettingsSchema } from '../config/reviews.js';
import { createWardenWorker } from '../worker/worker.js';
import { SEARCH_ATTRIBUTES } from '../contracts/search-attributes.js';
import { type CampaignState } from '../contracts/reviews.js';
import type { reviewCampaignWorkflow } from '../workflows/reviews/campaign.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const REVIEW_ENTITLEMENTS = Number(process.env.BENCH_REVIEW_ENTITLEMENTS ?? 20_000);
const REVIEW_REVIEWERS = Number(process.env.BENCH_REVIEW_REVIEWERS ?? 40);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const cli = findTemporalCli();
  if (!cli) throw new Error('no Temporal CLI: run bash scripts/provision.sh temporal');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const port = 7400 + Math.floor(Math.random() * 500);
  const server = await startDevServer({ binary: cli.path, ip: '127.0.0.1', port, uiPort: port + 1000, dbFile: join(dir, 'temporal.db'), namespace: 'default', searchAttributes: SEARCH_ATTRIBUTES });
  const dataConverter = wardenDataConverter(keyringOf([{ id: 'bench', key: randomBytes(32) }]));
  const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${port}` }), dataConverter });
  const connection = await NativeConnection.connect({ address: `127.0.0.1:${port}` });
  const taskQueue = 'bench';
  const worker = await createWardenWorker({
    connection,
    namespace: 'default',
    taskQueue,
    dataConverter,
    deps: {
      providers: { evidence: createLocalEvidenceStore(join(dir, 'evidence')) },
      reviews: { settings: reviewSettingsSchema.parse({ fallback_reviewers: ['auditor'], on_silence: 'revoke-flagged' }), store: createLocalReviewStore(join(dir, 'reviews')) },
    },
  });
  const triage = loadPlaybooks(['playbooks']).playbooks.find((p) => p.playbook.id === 'triage')!;
  const kinds = {
    'bare (smoke workflow)': () => client.workflow.execute('smokeWorkflow', { taskQueue, workflowId: `bench-smoke-${randomUUID()}`, args: [{ message: 'bench' }] }),
    'incident (triage, dry run)': () => {
      const incidentId = `bench-${randomUUID().slice(0, 12)}`;
      return client.workflow.execute('incidentWorkflow', {
        taskQueue,
        workflowId: `incident-${incidentId}`,
        args: [{ incidentId, playbook: triage.playbook, playbookSha256: triage.sha256, alert: { type: 'bench', severity: 'low', title: 'bench', source: 'bench' }, dryRun: true, openedBy: 'bench' }],
      });
    },
  };
  const results: Record<string, { latencyMs: number; perSecond: number }> = {};
  let review: { campaignMs: number; bareMs: number; workflows: number } | undefined;
  await worker.runUntil(async () => {
    for (const [name, run] of Object.entries(kinds)) {
      for (let i = 0; i < 3; i++) await run(); // warm-up
      const latencies: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const t = performance.now();
        await run();
        latencies.push(performance.now() - t);
      }
      const rates: number[] = [];
      for (let r = 0; r < 3; r++) {
        const t = performance.now();
        await Promise.all(Array.from({ length: CONCURRENCY }, () => run()));
        rates.push(CONCURRENCY / ((performance.now() - t) / 1000));
      }
      results[name] = { latencyMs: median(latencies), perSecond: median(rates) };
    }
    // An access-review campaign over the synthetic organization, against as many bare workflows
    // (the smoke workflow) run at once: what a campaign costs per workflow it runs.
    const campaignStart = performance.now();
    const campaign: CampaignState = await client.workflow.execute<typeof reviewCampaignWorkflow>('reviewCampaignWorkflow', {
      taskQueue,
      workflowId: `review-bench-${randomUUID().slice(0, 8)}`,
      args: [
        {
          dryRun: false,
          requestedBy: 'bench',
          scope: ['synthetic'],
          synthetic: { entitlements: REVIEW_ENTITLEMENTS, reviewers: REVIEW_REVIEWERS, seed: 1 },
          timing: { deadlineMs: 1_000, graceMs: 0, remindersMs: [] },
        },
      ],
    });
    const campaignMs = performance.now() - campaignStart;
    const workflows = campaign.counts.reviewers + campaign.shards.total + 1;
    const bareStart = performance.now();
    await Promise.all(Array.from({ length: workflows }, () => kinds['bare (smoke workflow)']()));
    review = { campaignMs, bareMs: performance.now() - bareStart, workflows };
  });
  await connection.close();
  await client.connection.close();
  await server.stop();
  const [bare, incident] = Object.values(results) as [{ latencyMs: number; perSecond: number }, { latencyMs: number; perSecond: number }];
  for (const [name, r] of Object.entries(results))
    console.log(`${name.padEnd(28)} median latency ${r.latencyMs.toFixed(1)} ms   median throughput ${r.perSecond.toFixed(1)}/s (${CONCURRENCY} in flight)`);
  if (review) {
    console.log(
      `review campaign: ${REVIEW_ENTITLEMENTS} synthetic entitlements, ${review.workflows} workflows, ${(review.campaignMs / 1000).toFixed(1)} s (${Math.round(REVIEW_ENTITLEMENTS / (review.campaignMs / 1000))} entitlements/s, 1 s review deadline included); ` +
        `${review.workflows} bare workflows at once: ${(review.bareMs / 1000).toFixed(1)} s; ratio ×${(review.campaignMs / review.bareMs).toFixed(1)}`,
    );
  }
  console.log(
    `ratio incident/bare: latency ×${(incident.latencyMs / bare.latencyMs).toFixed(2)}, throughput ×${(incident.perSecond / bare.perSecond).toFixed(2)}   (${ROUNDS} sequential rounds, 3 concurrent bursts; medians)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
