import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OffboardingReport } from '../../activities/offboarding/render/report.js';
import { app } from '../activities/github/fixture.js';
import { suiteClient, uniqueTaskQueue } from '../harness.js';
import { iamHoldings, inputFor, MANAGER, ORG, SECURITY, seedDeparting, startOffboarding, startWorld, type OffboardingWorld } from '../offboarding/fixture.js';
import { expectEachMailOnce, HOSTS, startTwoHosts, type HostName, type TwoHosts } from './hosts.js';

/**
 * #18.3: two hosts (worker processes, each with its own state dir) on one Temporal server and one
 * task queue, sharing only the S3 bucket (evidence, review store, email ledger) on moto. The host
 * that holds an IAM change of an offboarding in flight is killed with SIGKILL; the other finishes
 * the offboarding. Each host reaches IAM through its own counting proxy, so the peer side says which
 * host did what: the kill waits on the held change (no fixed sleep), and every change is counted
 * across both proxies.
 */
let w: OffboardingWorld;
let client: Client;
let two: TwoHosts;

beforeAll(async () => {
  [w, client] = await Promise.all([startWorld(), suiteClient()]);
  two = await startTwoHosts(w.moto.endpoint);
}, 120_000);

afterAll(async () => {
  await two?.close();
  await Promise.all([w?.close(), client?.connection.close()]);
});

/** A host of the offboarding: SMTP and the GitHub fake beside IAM, the manager in its directory. */
const startHost = (name: HostName, taskQueue: string) =>
  two.start(name, taskQueue, `people:\n  - { id: ${MANAGER.id}, name: ${MANAGER.id}, email: ${MANAGER.email} }\n`, {
    SMTP_URL: `smtp://127.0.0.1:${w.peers.smtp.port}`,
    WARDEN_GITHUB_ORG: ORG,
    GITHUB_API_URL: w.gh.baseUrl,
    GITHUB_APP_ID: app.appId,
    GITHUB_APP_PRIVATE_KEY: app.privateKey,
    GITHUB_APP_INSTALLATION_ID: app.installationId,
  });

describe('two hosts on one Temporal server, one killed with SIGKILL mid-offboarding', () => {
  it('the other host finishes it; each change reached the peers once, each email was sent once, the report is in the shared bucket', { timeout: 60_000 }, async () => {
    const taskQueue = uniqueTaskQueue('two-hosts');
    await Promise.all(HOSTS.map((h) => startHost(h, taskQueue)));
    const d = await seedDeparting(w);
    const started = Date.now();
    // The console password's deletion is held at its host's proxy: that host dies with it in flight.
    const killed = new Promise<HostName>((resolve) => {
      two.onChange = (host, _n, call) => {
        if (call.action !== 'DeleteLoginProfile') return;
        two.hosts[host]?.kill('SIGKILL');
        resolve(host);
      };
    });
    const handle = await startOffboarding(client, taskQueue, inputFor(d, { retentionDays: 0, policy: { timeout: '5s', initialInterval: '200ms', maxAttempts: 5 } }));
    const victim = await killed;
    const survivor = await two.kill(victim);
    const survivorBefore = two.counters[survivor].changes.length;

    const final = await handle.result();
    const seconds = (Date.now() - started) / 1000;
    expect(final).toMatchObject({ phase: 'done', retention: { status: 'deleted' } });
    expect(final.items.every((i) => i.status === 'done')).toBe(true);
    // The survivor did the rest: IAM changes after the kill arrived at its proxy.
    expect(two.counters[survivor].changes.length).toBeGreaterThan(survivorBefore);
    // The deletion held at the dead host's proxy reached moto after the kill; the survivor's retry found it done.
    expect(final.items.find((i) => i.id.endsWith('/login-profile'))).toMatchObject({ outcome: 'already', runs: 1 });
    expect(await iamHoldings(w.admin, d.person.id)).toEqual({ exists: false });

    // Each IAM change reached moto once, counted at both hosts' proxies.
    const count = two.count;
    const key = (i: number) => ['AccessKeyId', d.iam.accessKeys[i]!.accessKeyId] as const;
    expect([0, 1].map((i) => [count('UpdateAccessKey', key(i)), count('DeleteAccessKey', key(i))])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const once = ['DeleteLoginProfile', 'DeactivateMFADevice', 'DeleteUserPolicy', 'DeleteSSHPublicKey', 'AttachUserPolicy', 'DeleteUser'];
    expect(Object.fromEntries(once.map((a) => [a, count(a)]))).toEqual(Object.fromEntries(once.map((a) => [a, 1])));
    expect(d.iam.groups.map((g) => count('RemoveUserFromGroup', ['GroupName', g]))).toEqual([1, 1]);
    // Each GitHub change once.
    const githubChanges = w.gh.requests.filter((r) => r.method !== 'GET' && !r.route.startsWith('POST /app/') && r.status < 300).map((r) => r.url);
    expect(githubChanges.sort()).toEqual(
      [
        ...d.grantIds.map((g) => `/orgs/${ORG}/personal-access-tokens/${g}`),
        `/orgs/${ORG}/credential-authorizations/${d.credentialIds[0]}`,
        `/orgs/${ORG}/memberships/${d.person.githubLogin!}`,
        `/orgs/${ORG}/invitations/${d.invitationId}`,
      ].sort(),
    );

    // Each email once, as the SMTP peer received them: no Message-ID twice, no (recipients, subject) twice; security and the manager each got the report.
    const mail = w.peers.smtp.messages;
    const perRecipient = expectEachMailOnce(mail);
    for (const to of [SECURITY, MANAGER.email]) expect(perRecipient[to]).toBeGreaterThan(0);

    // The final report, read back from the shared bucket (neither host's disk): every revocation done once, the held one found done.
    const record = final.reports.find((r) => r.stage === 'final');
    const body = await two.evidence().get(record!.json.key);
    const report = JSON.parse(new TextDecoder().decode(body)) as OffboardingReport;
    const rows = report.credentials;
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.status !== 'done')).toEqual([]);
    expect(new Set(rows.map((r) => r.item)).size).toBe(rows.length);
    expect(rows.find((r) => r.item.endsWith('/login-profile'))).toMatchObject({ outcome: 'already' });
    expect(rows.some((r) => r.item.endsWith('/delete-user'))).toBe(true);
    console.log(`two hosts: offboarding done in ${seconds.toFixed(1)} s; ${victim} killed with DeleteLoginProfile in flight, ${survivor} finished; ${mail.length} emails, each once`);
  });
});
