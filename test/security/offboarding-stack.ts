import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { expect } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec.js';
import { createConfigDirectory } from '../../config/config-directory.js';
import { loadWardenConfig } from '../../config/load.js';
import type { Person } from '../../contracts/directory.js';
import { offboardingWorkflowId } from '../../contracts/offboarding.js';
import { setupApi } from '../../server/api.js';
import { createHttpApp, listen } from '../../server/app.js';
import { createHealthProbe } from '../../server/health.js';
import { startWorker, suiteClient, suiteKeyring, type TestWorker } from '../harness.js';
import { TEST_SIGNING_KEY } from '../helpers/decisions.js';
import { iamHoldings, MANAGER, offboardingDeps, seedDeparting, startWorld, type Departing, type OffboardingWorld } from '../offboarding/fixture.js';

/** The alert senders' secret (HMAC for Warden's format, bearer for Alertmanager and GuardDuty). */
export const ALERT_SECRET = 'alert-senders-secret-0123456789';
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const colleague = (id: string): Person => ({ id, name: id, email: `${id}@example.com`, aws: [], groups: [], roles: [] });

/** Who holds a token: two hr people, a viewer, a responder, an admin; the leaver holds responder and hr tokens of their own. */
export const STAFF = { hana: ['hr'], harry: ['hr'], vera: ['viewer'], olga: ['responder'], adam: ['admin'] } as const;
export type Holder = keyof typeof STAFF | 'leaver';

export interface OffboardingStack {
  readonly world: OffboardingWorld;
  readonly client: Client;
  readonly worker: TestWorker;
  readonly url: string;
  readonly leaver: Departing;
  /** The bearer token a holder sends. */
  token(who: Holder): string;
  /** A request as the holder of a token (or with a raw Authorization header / none). */
  as(who: Holder | { authorization?: string }, method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Whether Temporal has an offboarding workflow for the leaver. */
  started(): Promise<boolean>;
  /** What the leaver's IAM user holds at moto. */
  holdings(): ReturnType<typeof iamHoldings>;
  close(): Promise<void>;
}

/**
 * The real stack of an offboarding: setupApi over a warden.yaml (the staff's identities, the
 * people), the HTTP app on loopback, a worker on the dev server, moto, the GitHub fake and the
 * notification peers; one leaver seeded everywhere. `offboarding` is warden.yaml's section. The
 * server signs approvals with TEST_SIGNER's key.
 */
export async function startOffboardingStack(name: string, offboarding: Record<string, unknown> = {}): Promise<OffboardingStack> {
  const [world, client] = await Promise.all([startWorld(), suiteClient()]);
  const leaver = await seedDeparting(world);
  const tokens = new Map<Holder, string>([...Object.keys(STAFF), 'leaver'].map((h) => [h as Holder, `tok-${name}-${h}-${Math.random().toString(36).slice(2)}`]));
  const identity = (id: string, roles: readonly string[], holder: Holder) => ({ id, email: `${id}@example.com`, roles, tokens: [{ sha256: sha(tokens.get(holder)!) }] });
  const p = leaver.person;
  const dir = mkdtempSync(join(tmpdir(), `warden-${name}-`));
  const doc = {
    identities: [...Object.entries(STAFF).map(([id, roles]) => identity(id, roles, id as Holder)), { ...identity(p.id, ['responder', 'hr'], 'leaver'), email: p.email }],
    people: [MANAGER, p, ...Object.keys(STAFF).map(colleague)].map((q) => ({
      id: q.id,
      name: q.name,
      email: q.email,
      ...(q.manager ? { manager: q.manager } : {}),
      ...(q.githubLogin ? { github_login: q.githubLogin } : {}),
      aws: q.aws.map((a) => ({ account: a.account, user_name: a.userName })),
    })),
    offboarding: { notify: { email: ['security@example.com'] }, ...offboarding },
  };
  writeFileSync(join(dir, 'warden.yaml'), JSON.stringify(doc));
  const env = {
    TEMPORAL_ADDRESS: '127.0.0.1:7233',
    WARDEN_STATE_DIR: join(dir, 'state'),
    WARDEN_WEBHOOK_SECRET: ALERT_SECRET,
    WARDEN_CONFIG: join(dir, 'warden.yaml'),
    WARDEN_DECISION_SIGNING_KEY: TEST_SIGNING_KEY,
  };
  const config = loadWardenConfig({ ...process.env, ...env });
  const worker = await startWorker(offboardingDeps(world.deps, createConfigDirectory(config.file.people)), { name });
  const api = setupApi(config, client, worker.taskQueue, () => undefined);
  const server: Server = createHttpApp({
    health: createHealthProbe({ client, taskQueue: worker.taskQueue }),
    codec: new AesGcmPayloadCodec(suiteKeyring()),
    codecCorsOrigins: [],
    codecToken: api.codecToken,
    api: api.routes,
    log: () => undefined,
  });
  const url = `http://127.0.0.1:${await listen(server, '127.0.0.1', 0)}`;
  const handle = () => client.workflow.getHandle(offboardingWorkflowId(p.id));
  return {
    world,
    client,
    worker,
    url,
    leaver,
    token: (who) => tokens.get(who)!,
    as(who, method, path, body, headers = {}) {
      const authorization = typeof who === 'string' ? `Bearer ${tokens.get(who)!}` : who.authorization;
      const auth: Record<string, string> = authorization ? { authorization } : {};
      return fetch(`${url}${path}`, {
        method,
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    },
    started: () =>
      handle()
        .describe()
        .then(
          () => true,
          (err: unknown) => {
            if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
            return false;
          },
        ),
    holdings: () => iamHoldings(world.admin, p.aws[0]!.userName),
    async close() {
      await handle()
        .terminate('test over')
        .catch(() => undefined);
      server.close();
      await api.stop();
      await worker.shutdown();
      await world.close();
      await client.connection.close();
    },
  };
}

/** The refusal's status and message, and that Temporal has no offboarding of the leaver. */
export async function expectRefused(s: OffboardingStack, res: Response, status: number, message: RegExp | string): Promise<void> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: string };
  expect(body.error).toMatch(message);
  expect(await s.started()).toBe(false);
}
