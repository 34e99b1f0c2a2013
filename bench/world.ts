/**
 * Everything one bench run measures on: one Temporal dev server, moto (IAM) behind a recorder
 * that notes when each call arrives, the GitHub and Slack fakes of test/peers over real HTTP,
 * local evidence and audit stores, and one worker running every Warden workflow and activity
 * plus the bench's baselines (bench/workflows.ts), on one data converter.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { wardenDataConverter } from '../codec/data-converter.js';
import { keyringOf } from '../codec/keyring.js';
import { findTemporalCli } from '../temporal/cli-binary.js';
import { startDevServer, type DevServer } from '../temporal/dev-server.js';
import { createLocalEvidenceStore } from '../activities/providers/evidence/local-evidence-store.js';
import { createLocalReviewStore } from '../activities/providers/review-store/local-review-store.js';
import { createLocalAuditStore } from '../activities/providers/audit-store/local-audit-store.js';
import { createAwsIam } from '../activities/providers/aws-iam/aws-iam.js';
import { createSlackChat } from '../activities/providers/slack/slack-chat.js';
import { createGitHubCodeHost } from '../activities/providers/github/github-code-host.js';
import { createActivities, type WardenDeps } from '../activities/index.js';
import { reviewSettingsSchema } from '../config/reviews.js';
import { loadAuditKey } from '../config/audit-key.js';
import { createConfigDirectory } from '../config/config-directory.js';
import { createDecisionSigner } from '../contracts/approval-proof.js';
import { SEARCH_ATTRIBUTES } from '../contracts/search-attributes.js';
import { MOTO_CREDENTIALS, motoClient, startMoto, type MotoPeer } from '../test/peers/moto.js';
import { startFakeSlack, type FakeSlack } from '../test/peers/fake-slack.js';
import { startFakeGitHub, type FakeGitHub } from '../test/peers/fake-github.js';
import { freePort } from '../test/helpers/ports.js';
import { createServerAudit } from '../server/audit.js';
import { startPeerRecorder, type PeerRecorder } from './peer-recorder.js';

export const TASK_QUEUE = 'bench';
export const ORG = 'bench-org';
const GITHUB_TOKEN = `ghp_${randomBytes(18).toString('hex')}`;
export const SLACK_CHANNELS = ['sec-incidents', 'sec-triage'];

export interface World {
  readonly dir: string;
  readonly client: Client;
  readonly keyring: ReturnType<typeof keyringOf>;
  readonly worker: Worker;
  readonly moto: MotoPeer;
  /** moto's endpoint as Warden sees it: through the recorder. */
  readonly iamRecorder: PeerRecorder;
  readonly admin: ReturnType<typeof motoClient>;
  readonly github: FakeGitHub;
  readonly slack: FakeSlack;
  readonly signer: ReturnType<typeof createDecisionSigner>;
  /** When each benchMark activity started (P2's baseline), by key. */
  readonly marks: Map<string, number>;
  close(): Promise<void>;
}

function benchWorkflowsPath(): string {
  for (const ext of ['.js', '.ts']) {
    const path = fileURLToPath(new URL(`./workflows${ext}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('bench/workflows not found');
}

export async function startWorld(): Promise<World> {
  const cli = findTemporalCli();
  if (!cli) throw new Error('no Temporal CLI: run bash scripts/provision.sh temporal');
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const [port, uiPort] = [await freePort(), await freePort()];
  const server: DevServer = await startDevServer({ binary: cli.path, ip: '127.0.0.1', port, uiPort, dbFile: join(dir, 'temporal.db'), namespace: 'default', searchAttributes: SEARCH_ATTRIBUTES });
  const keyring = keyringOf([{ id: 'bench', key: randomBytes(32) }]);
  const dataConverter = wardenDataConverter(keyring);
  const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${port}` }), dataConverter });
  const connection = await NativeConnection.connect({ address: `127.0.0.1:${port}` });
  const moto = await startMoto();
  const iamRecorder = await startPeerRecorder(moto.endpoint);
  const slackToken = `xoxb-bench-${randomBytes(8).toString('hex')}`;
  const slack = await startFakeSlack({ token: slackToken, channels: SLACK_CHANNELS.map((name, i) => ({ id: `C0BENCH${i}`, name })) });
  // A GitHub App, as an offboarding needs (the token-grant endpoints take only its installation tokens).
  const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
  const app = { appId: '4242', installationId: '77', privateKey: appKeys.privateKey };
  const github = await startFakeGitHub({
    org: ORG,
    token: GITHUB_TOKEN,
    app: { appId: app.appId, installationId: app.installationId, publicKeyPem: appKeys.publicKey },
    seed: { members: { 'warden-admin': 'admin' }, teams: [], repos: {}, invitations: [], patGrants: [], credentialAuthorizations: [] },
  });
  const marks = new Map<string, number>();
  const deps: WardenDeps = {
    providers: {
      evidence: createLocalEvidenceStore(join(dir, 'evidence')),
      iam: createAwsIam({ endpoint: iamRecorder.endpoint, credentials: MOTO_CREDENTIALS }),
      chat: createSlackChat({ token: slackToken, apiUrl: slack.apiUrl }),
      code: createGitHubCodeHost({ org: ORG, baseUrl: github.baseUrl, app, retryBaseMs: 10 }),
    },
    directory: createConfigDirectory([]),
    reviews: { settings: reviewSettingsSchema.parse({ fallback_reviewers: ['auditor'], on_silence: 'revoke-flagged' }), store: createLocalReviewStore(join(dir, 'reviews')) },
    audit: { store: createLocalAuditStore(join(dir, 'audit')), secretKey: loadAuditKey(join(dir, 'audit.key')) },
  };
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    dataConverter,
    workflowsPath: benchWorkflowsPath(),
    activities: { ...createActivities(deps), benchMark: async (key: string) => void marks.set(key, performance.now()) },
  });
  // As `warden start` does: the server's first append starts the audit workflow the incidents append to.
  const audit = createServerAudit(client, TASK_QUEUE, (m) => process.stderr.write(`${m}\n`));
  audit.append({ kind: 'config.loaded', actor: 'warden-bench', subject: 'bench', details: { role: 'bench' } });
  await audit.flush();
  return {
    dir,
    client,
    keyring,
    worker,
    moto,
    iamRecorder,
    admin: motoClient(moto.endpoint),
    github,
    slack,
    signer: createDecisionSigner(randomBytes(32).toString('hex')),
    marks,
    async close() {
      await connection.close();
      await client.connection.close();
      await Promise.all([moto.stop(), iamRecorder.close(), slack.close(), github.close()]);
      await server.stop();
    },
  };
}
