import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  IAMClient,
  PutUserPolicyCommand,
  UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { wardenCacheDir } from '../../temporal/cli-binary.js';
import { freePort } from '../helpers/ports.js';

/**
 * moto's server mode, a local AWS IAM on loopback. Clients talk to `endpoint`, a plain TCP relay
 * in this process in front of the moto process: `stop()` closes both (connections are refused,
 * as with a real outage), and `restart(prepare)` boots moto, lets `prepare` seed it, and only
 * then opens `endpoint` again, so no client ever sees the empty server in between.
 */
export interface MotoPeer {
  readonly endpoint: string;
  readonly port: number;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Seeds moto's random generator, so the same calls create the same ids (access keys…) again. */
  seedRandom(seed: number): Promise<void>;
  /** Turns IAM authentication and authorization on or off (off is moto's default). */
  setAuth(enabled: boolean): Promise<void>;
  /** Kills moto (and its children) and closes the endpoint. */
  stop(): Promise<void>;
  /** Starts moto again (empty), runs `prepare` against it, then reopens the endpoint on the same port. */
  restart(prepare?: (endpoint: string) => Promise<void>): Promise<void>;
}

/** `$(wardenCacheDir)/bin/moto_server` (scripts/provision.sh moto), else `moto_server` on PATH. */
export function motoServerBinary(): string {
  const cached = join(wardenCacheDir(), 'bin', 'moto_server');
  try {
    accessSync(cached, constants.X_OK);
    return cached;
  } catch {
    return 'moto_server';
  }
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`moto_server exited before answering: ${log()}`);
    try {
      await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`moto_server did not answer at ${endpoint} within 30 s: ${log()}`);
}

async function spawnMoto(): Promise<{ child: ChildProcess; endpoint: string }> {
  const port = await freePort();
  const child = spawn(motoServerBinary(), ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const spawned = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`cannot start moto_server (run: bash scripts/provision.sh moto): ${err.message}`))));
  const endpoint = `http://127.0.0.1:${port}`;
  await Promise.race([waitUntilAnswering(endpoint, child, () => stderr), spawned]);
  return { child, endpoint };
}

/** Kills the process group (moto_server and anything it started) and waits for the exit. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), sig);
    } catch {
      /* the group is already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

async function post(url: string, body?: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, ...(body !== undefined ? { body } : {}) });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}`);
}

/** Seeds the random generator of the moto at `endpoint`: the same calls then create the same ids. */
export function motoSeedRandom(endpoint: string, seed: number): Promise<void> {
  return post(`${endpoint}/moto-api/seed?a=${seed}`);
}

/** Starts moto_server on a free 127.0.0.1 port behind a relay on another free port. */
export async function startMoto(): Promise<MotoPeer> {
  let moto = await spawnMoto();
  const sockets = new Set<Socket>();
  const relay: Server = createServer((client) => {
    const upstream = connect(Number(new URL(moto.endpoint).port), '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      relay.once('error', reject);
      relay.listen(port, '127.0.0.1', () => {
        relay.off('error', reject);
        resolve();
      });
    });
  await listen();
  const endpoint = `http://127.0.0.1:${port}`;

  const stop = async () => {
    const closed = relay.listening ? new Promise<void>((resolve) => relay.close(() => resolve())) : Promise.resolve();
    for (const s of sockets) s.destroy();
    await closed;
    await kill(moto.child);
  };

  return {
    endpoint,
    port,
    reset: () => post(`${endpoint}/moto-api/reset`),
    seedRandom: (seed) => motoSeedRandom(endpoint, seed),
    setAuth: (enabled) => post(`${endpoint}/moto-api/reset-auth`, enabled ? '0' : 'inf'),
    stop,
    async restart(prepare) {
      await stop();
      moto = await spawnMoto();
      if (prepare) await prepare(moto.endpoint);
      await listen();
    },
  };
}

/** Dummy credentials: moto accepts any while authentication is off. */
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIAMOTOTESTKEY00000', secretAccessKey: 'moto-test-secret-not-a-real-one' };

/** An IAM client on moto, for seeding and for asserting state at the peer. */
/** An S3 client on moto (path-style addressing, the test credentials). */
export const motoS3Client = (endpoint: string, maxAttempts?: number): S3Client =>
  new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS, ...(maxAttempts ? { maxAttempts } : {}) });

export function motoClient(endpoint: string, credentials = MOTO_CREDENTIALS): IAMClient {
  return new IAMClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
}

/** An IAM client on moto acting in another account: moto switches accounts by the assumed role's ARN. */
export function motoClientAs(endpoint: string, roleArn: string): IAMClient {
  return new IAMClient({
    region: 'us-east-1',
    endpoint,
    maxAttempts: 1,
    credentials: fromTemporaryCredentials({ params: { RoleArn: roleArn, RoleSessionName: 'test' }, masterCredentials: MOTO_CREDENTIALS, clientConfig: { region: 'us-east-1', endpoint } }),
  });
}

export interface SeedOptions {
  readonly accessKeys?: number;
  readonly loginProfile?: boolean;
  readonly mfa?: boolean;
  /** Groups to create (if missing) and join. */
  readonly groups?: readonly string[];
  /** Customer-managed policies to create and attach, by name. */
  readonly managedPolicies?: readonly string[];
  readonly inlinePolicies?: readonly string[];
  readonly sshKeys?: number;
}

export interface SeededUser {
  readonly userName: string;
  readonly accessKeys: readonly { readonly accessKeyId: string; readonly secretAccessKey: string }[];
  readonly mfaSerials: readonly string[];
  readonly groups: readonly string[];
  readonly policyArns: readonly string[];
  readonly inlinePolicies: readonly string[];
  readonly sshKeyIds: readonly string[];
}

const allow = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const ignoreExisting = (err: unknown) => {
  if ((err as { name?: string }).name !== 'EntityAlreadyExistsException') throw err;
};

/**
 * Creates an IAM user with everything an offboarding must remove. By default: one access key,
 * a login profile, a virtual MFA device (moto accepts any two codes), membership of one group,
 * one customer-managed and one inline policy, and one SSH key; `opts` changes the counts.
 */
export async function seedUser(iam: IAMClient, name: string, opts: SeedOptions = {}): Promise<SeededUser> {
  const { accessKeys = 1, loginProfile = true, mfa = true, groups = [`${name}-team`], managedPolicies = [`${name}-read`], inlinePolicies = [`${name}-inline`], sshKeys = 1 } = opts;
  await iam.send(new CreateUserCommand({ UserName: name }));
  const keys = [];
  for (let i = 0; i < accessKeys; i++) {
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    keys.push({ accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' });
  }
  if (loginProfile) await iam.send(new CreateLoginProfileCommand({ UserName: name, Password: 'Seeded-Passw0rd!' }));
  const mfaSerials: string[] = [];
  if (mfa) {
    const { VirtualMFADevice } = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${name}-mfa` }));
    const serial = VirtualMFADevice?.SerialNumber ?? '';
    await iam.send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: serial, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
    mfaSerials.push(serial);
  }
  for (const group of groups) {
    await iam.send(new CreateGroupCommand({ GroupName: group })).catch(ignoreExisting);
    await iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: name }));
  }
  const policyArns: string[] = [];
  for (const policy of managedPolicies) {
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: policy, PolicyDocument: allow('s3:GetObject') }));
    await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: Policy?.Arn }));
    policyArns.push(Policy?.Arn ?? '');
  }
  for (const policy of inlinePolicies) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: policy, PolicyDocument: allow('s3:*') }));
  const sshKeyIds: string[] = [];
  for (let i = 0; i < sshKeys; i++) {
    const body = `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${randomBytes(48).toString('base64')} ${name}-${i}@example.com`;
    const { SSHPublicKey } = await iam.send(new UploadSSHPublicKeyCommand({ UserName: name, SSHPublicKeyBody: body }));
    sshKeyIds.push(SSHPublicKey?.SSHPublicKeyId ?? '');
  }
  return { userName: name, accessKeys: keys, mfaSerials, groups, policyArns, inlinePolicies, sshKeyIds };
}
