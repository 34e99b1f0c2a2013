import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { expect } from 'vitest';
import { createAwsIam } from '../../activities/providers/aws-iam/aws-iam.js';
import { createConfigDirectory } from '../../config/config-directory.js';
import type { WardenDeps } from '../../activities/index.js';
import { createMlflowRegistry } from '../../activities/providers/mlflow/mlflow-registry.js';
import type { OffboardingReport } from '../../activities/offboarding/render/report.js';
import type { Directory, Person } from '../../contracts/directory.js';
import type { ActionDeps } from '../../catalog/types.js';
import { offboardingStateQuery, offboardingWorkflowId, type OffboardingInput, type OffboardingState } from '../../contracts/offboarding.js';
import type { offboardingWorkflow } from '../../workflows/offboarding/offboarding.js';
import { app, codeHost, ORG, startGitHub } from '../activities/github/fixture.js';
import { startPeers, type Peers } from '../helpers/incident.js';
import type { FakeGitHub } from '../peers/fake-github.js';
import { createExperiment, createRegisteredModel, createUser, grant } from '../peers/mlflow-auth.js';
import { startMlflow, type MlflowPeer } from '../peers/mlflow.js';
import { MOTO_CREDENTIALS, motoClient, seedUser, startMoto, type MotoPeer, type SeededUser } from '../peers/moto.js';

export { ORG };
export const SECURITY = 'security@example.com';
export const MANAGER: Person = { id: 'mona', name: 'Mona Manager', email: 'mona@example.com', slackUserId: 'U0MONA', aws: [], groups: [], roles: [] };

/**
 * Every peer an offboarding touches: moto, the GitHub fake (GitHub App credentials), Slack, SMTP,
 * evidence; with `mlflow`, also a real MLflow server running its auth app (started once: ~20 s).
 */
export interface OffboardingWorld {
  readonly moto: MotoPeer;
  readonly admin: IAMClient;
  readonly gh: FakeGitHub;
  readonly peers: Peers;
  readonly mlflow?: MlflowPeer;
  readonly deps: ActionDeps;
  close(): Promise<void>;
}

export async function startWorld(opts: { mlflow?: boolean } = {}): Promise<OffboardingWorld> {
  const [moto, gh, peers, mlflow] = await Promise.all([
    startMoto(),
    startGitHub({ members: { 'warden-admin': 'admin' }, teams: [], repos: {}, invitations: [], patGrants: [], credentialAuthorizations: [] }),
    startPeers(),
    opts.mlflow ? startMlflow({ auth: true }) : undefined,
  ]);
  const models = mlflow?.admin ? { models: createMlflowRegistry({ trackingUri: mlflow.trackingUri, ...mlflow.admin }) } : {};
  const deps: ActionDeps = { ...peers.deps, iam: createAwsIam({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), code: codeHost(gh, { app }), ...models };
  return {
    moto,
    admin: motoClient(moto.endpoint),
    gh,
    peers,
    ...(mlflow ? { mlflow } : {}),
    deps,
    async close() {
      await Promise.all([moto.stop(), gh.close(), peers.close(), mlflow?.close()]);
    },
  };
}

export interface Departing {
  readonly person: Person;
  readonly iam: SeededUser;
  readonly grantIds: number[];
  readonly credentialIds: number[];
  readonly invitationId: number;
}

let nextId = 10_000;

/**
 * A person holding everything an offboarding must remove: an IAM user with 2 access keys, a
 * login profile, MFA, 2 groups, an attached and an inline policy and an SSH key; GitHub org
 * membership (and a team), 2 fine-grained token grants, an SSO authorization and a pending
 * invitation to their email.
 */
export async function seedDeparting(w: OffboardingWorld, extra: Partial<Person> = {}): Promise<Departing> {
  const tag = randomUUID().slice(0, 6);
  const id = `dana-${tag}`;
  const login = `dana-${tag}`;
  const email = `dana.${tag}@example.com`;
  const iam = await seedUser(w.admin, id, { accessKeys: 2, groups: [`${id}-eng`, `${id}-data`] });
  const [g1, g2, c1, inv] = [nextId++, nextId++, nextId++, nextId++];
  w.gh.state.members[login] = 'member';
  w.gh.state.teams.push({ slug: `${login}-team`, name: `${login} team`, members: [login] });
  w.gh.state.patGrants.push({ id: g1, owner: login, tokenName: 'laptop' }, { id: g2, owner: login, tokenName: 'ci' });
  w.gh.state.credentialAuthorizations.push({ credentialId: c1, login, type: 'personal access token' });
  w.gh.state.invitations.push({ id: inv, login: null, email, role: 'direct_member' });
  const person: Person = {
    id,
    name: `Dana ${tag}`,
    email,
    manager: MANAGER.id,
    githubLogin: login,
    aws: [{ account: '123456789012', userName: id }],
    groups: ['data-science'],
    roles: ['engineer'],
    ...extra,
  };
  return { person, iam, grantIds: [g1, g2], credentialIds: [c1], invitationId: inv };
}

/** An MLflow user (in the world's auth app) with EDIT on two experiments and MANAGE on a registered model. */
export async function seedMlflowUser(w: OffboardingWorld, user: string): Promise<{ experiments: string[]; model: string }> {
  const peer = w.mlflow;
  if (!peer) throw new Error('start the world with { mlflow: true }');
  await createUser(peer, user);
  const experiments = [await createExperiment(peer, `${user}-churn`), await createExperiment(peer, `${user}-fraud`)];
  const model = `${user}-fraud-detector`;
  await createRegisteredModel(peer, model);
  for (const e of experiments) await grant(peer, user, 'experiment', e, 'EDIT');
  await grant(peer, user, 'registered_model', model, 'MANAGE');
  return { experiments, model };
}

/** The input the API would build: security and the manager get the report. */
export function inputFor(d: Departing, over: Partial<OffboardingInput> = {}): OffboardingInput {
  return {
    personId: d.person.id,
    person: d.person,
    reason: 'left the company',
    requestedBy: 'hr-system',
    dryRun: false,
    notify: { email: [SECURITY, MANAGER.email], slackChannel: '#sec-incidents' },
    policy: { maxAttempts: 3, initialInterval: '200ms', maxInterval: '1s' },
    ...over,
  };
}

export function startOffboarding(client: Client, taskQueue: string, input: OffboardingInput): Promise<WorkflowHandle<typeof offboardingWorkflow>> {
  return client.workflow.start<typeof offboardingWorkflow>('offboardingWorkflow', { taskQueue, workflowId: offboardingWorkflowId(input.personId), args: [input] });
}

export const stateOf = (handle: WorkflowHandle): Promise<OffboardingState> => handle.query(offboardingStateQuery);

/** Polls the state until `ok` holds. */
export async function waitForState(handle: WorkflowHandle, ok: (s: OffboardingState) => boolean, timeout = 30_000): Promise<OffboardingState> {
  let last: OffboardingState | undefined;
  await expect
    .poll(
      async () => {
        last = await stateOf(handle);
        return ok(last);
      },
      { timeout, interval: 200 },
    )
    .toBe(true);
  return last!;
}

/** The worker's deps: the world's providers, on a directory that knows the manager (for their Slack id). */
export function offboardingDeps(providers: ActionDeps, directory: Directory = createConfigDirectory([MANAGER])): WardenDeps {
  return { providers, directory };
}

/** The stored report of a stage, as the evidence store holds it (JSON and Markdown). */
export function storedReport(evidenceDir: string, state: OffboardingState, stage: 'revocation' | 'final' = 'revocation'): { json: OffboardingReport; markdown: string } {
  const record = state.reports.find((r) => r.stage === stage);
  if (!record) throw new Error(`no ${stage} report in the state`);
  return { json: JSON.parse(readFileSync(join(evidenceDir, record.json.key), 'utf8')) as OffboardingReport, markdown: readFileSync(join(evidenceDir, record.markdown.key), 'utf8') };
}

const notFound = (err: unknown) => {
  if ((err as { name?: string }).name !== 'NoSuchEntityException') throw err;
  return undefined;
};

/** What the IAM user holds right now, read at moto. */
export async function iamHoldings(admin: IAMClient, userName: string) {
  const exists = await admin.send(new GetUserCommand({ UserName: userName })).then(
    () => true,
    (err: unknown) => notFound(err) ?? false,
  );
  if (!exists) return { exists };
  const [keys, profile, mfa, groups, attached, inline, ssh] = await Promise.all([
    admin.send(new ListAccessKeysCommand({ UserName: userName })),
    admin.send(new GetLoginProfileCommand({ UserName: userName })).catch(notFound),
    admin.send(new ListMFADevicesCommand({ UserName: userName })),
    admin.send(new ListGroupsForUserCommand({ UserName: userName })),
    admin.send(new ListAttachedUserPoliciesCommand({ UserName: userName })),
    admin.send(new ListUserPoliciesCommand({ UserName: userName })),
    admin.send(new ListSSHPublicKeysCommand({ UserName: userName })),
  ]);
  return {
    exists,
    keys: (keys.AccessKeyMetadata ?? []).map((k) => `${k.AccessKeyId}:${k.Status}`),
    loginProfile: !!profile,
    mfa: (mfa.MFADevices ?? []).map((d) => d.SerialNumber),
    groups: (groups.Groups ?? []).map((g) => g.GroupName),
    policies: (attached.AttachedPolicies ?? []).map((p) => p.PolicyName),
    inline: inline.PolicyNames ?? [],
    ssh: (ssh.SSHPublicKeys ?? []).map((k) => k.SSHPublicKeyId),
  };
}

/** What the GitHub login holds in the fake organization right now. */
export function githubHoldings(gh: FakeGitHub, d: Departing) {
  const login = d.person.githubLogin!;
  return {
    member: login in gh.state.members,
    teams: gh.state.teams.filter((t) => t.members.includes(login)).map((t) => t.slug),
    grants: gh.state.patGrants.filter((g) => g.owner === login).map((g) => g.id),
    sso: gh.state.credentialAuthorizations.filter((c) => c.login === login).map((c) => c.credentialId),
    invitations: gh.state.invitations.filter((i) => i.email === d.person.email).map((i) => i.id),
  };
}
