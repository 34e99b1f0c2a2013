import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAccessKeysCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsIam } from '../../activities/providers/aws-iam/aws-iam.js';
import type { Directory, Person } from '../../contracts/directory.js';
import { incidentStateQuery, type IncidentState } from '../../contracts/incident.js';
import { assertBuilt, cleanEnv, spawnCli } from '../helpers/cli.js';
import { startPeers, type Peers, resolveAndClose } from '../helpers/incident.js';
import { postAlert, startIntake, tokens, type IntakeServer } from '../helpers/intake.js';
import { suiteClient, withWorker } from '../harness.js';
import { MOTO_CREDENTIALS, motoClient, seedUser, startMoto, type MotoPeer } from '../peers/moto.js';

let client: Client;
let peers: Peers;
let moto: MotoPeer;
let iam: IAMClient;
let intake: IntakeServer;
beforeAll(async () => {
  client = await suiteClient();
  peers = await startPeers();
  moto = await startMoto();
  iam = motoClient(moto.endpoint);
  intake = await startIntake(client, { evidenceDir: peers.evidenceDir });
}, 120_000);
afterAll(async () => {
  intake.close();
  await moto.stop();
  await peers.close();
  await client.connection.close();
});

const keysOf = async (userName: string) => (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];

/**
 * The API and `warden incidents show` say what the peer held: the key Active before, and Inactive
 * as read back at moto after, with when the step ran.
 */
async function expectObservedShown(incidentId: string): Promise<void> {
  const res = await fetch(`${intake.url}/v1/incidents/${incidentId}`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
  expect(res.status).toBe(200);
  const step = ((await res.json()) as IncidentState).steps.disable_key!;
  expect(step).toMatchObject({ status: 'applied', observed: { before: { status: 'Active' }, after: { status: 'Inactive' } } });
  expect(Date.parse(step.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(step.startedAt!));

  assertBuilt();
  const env = cleanEnv({ WARDEN_URL: intake.url, WARDEN_TOKEN: tokens.viewer, WARDEN_STATE_DIR: mkdtempSync(join(tmpdir(), 'warden-cli-')) });
  const shown = await spawnCli(['incidents', 'show', incidentId], env).done;
  expect(shown.stderr).toBe('');
  expect(shown.code).toBe(0);
  const lines = shown.stdout.split('\n');
  const at = lines.findIndex((l) => /^ {2}✓ disable_key .* applied/.test(l));
  expect(at).toBeGreaterThan(-1);
  const block = lines.slice(
    at + 1,
    lines.findIndex((l, i) => i > at && !l.startsWith('      ')),
  );
  expect(block[0]).toMatch(/^ {6}time: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ → \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(/);
  expect(block).toContain('      before → after (read at the peer):');
  expect(block).toContain('        status: Active → Inactive');
  // The step awaiting its approval shows who asked and who may decide; nothing was read after for it.
  expect(shown.stdout).toMatch(/\? delete_key .* awaiting-approval\n {6}plan: delete access key/);
}

describe('leaked-credential, end to end through the API against moto', () => {
  it('disables the key in containment, deletes it after an approval through the API, and the evidence lists both', async () => {
    const user = await seedUser(iam, 'dana-ml', { accessKeys: 1, groups: [], managedPolicies: [], inlinePolicies: [], sshKeys: 0, mfa: false, loginProfile: false });
    const accessKeyId = user.accessKeys[0]!.accessKeyId;
    const deps = { ...peers.deps, iam: createAwsIam({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }) };

    // The owner's address comes from the directory (toPerson), never from the alert.
    const dana: Person = { id: 'dana', name: 'Dana', email: 'dana@example.com', aws: [{ account: '123456789012', userName: 'dana-ml' }], groups: [], roles: [] };
    const directory: Directory = { findPerson: (id) => Promise.resolve(id === 'dana' ? dana : undefined), listPeople: () => Promise.resolve([dana]) };

    await withWorker({ providers: deps, directory }, { taskQueue: intake.taskQueue }, async () => {
      const res = await postAlert(
        intake.url,
        {
          type: 'credential.leaked',
          severity: 'high',
          title: 'AWS key committed to a public repository',
          source: 'github-secret-scanning',
          fingerprint: `e2e-leak-${accessKeyId}`,
          principal: { user: 'dana', email: 'dana@example.com', aws_user: 'dana-ml', aws_access_key_id: accessKeyId },
        },
        {},
        '?dry_run=false',
      );
      expect(res.status).toBe(202);
      const { incidentId, workflowId, playbook } = (await res.json()) as { incidentId: string; workflowId: string; playbook: string };
      expect(playbook).toBe('leaked-credential');
      const handle = client.workflow.getHandle(workflowId);
      const state = () => handle.query(incidentStateQuery);

      // Containment: disabled at once, before any person acted.
      await expect.poll(async () => (await keysOf('dana-ml')).map((k) => k.Status), { timeout: 30_000 }).toEqual(['Inactive']);
      await expect.poll(async () => (await state()).steps.delete_key?.status, { timeout: 30_000 }).toBe('awaiting-approval');
      const waiting = await state();
      expect(waiting.times.containedAt).toBeDefined();
      expect(waiting.times.firstHumanActionAt).toBeUndefined();
      // The plan shown to the approver was read from the real state: the key is already Inactive.
      expect(waiting.steps.delete_key!.plan).toEqual([`delete access key ${accessKeyId} of IAM user dana-ml (Inactive)`]);
      expect(await keysOf('dana-ml')).toHaveLength(1);
      await expectObservedShown(incidentId);

      // Deleting is destructive and an alert (not a person) asked: four-eyes means two people, each with a reason.
      const approve = (token: string, body: object) =>
        fetch(`${intake.url}/v1/incidents/${incidentId}/approvals/delete_key`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
      const noReason = await approve(tokens.oncall, { decision: 'approve' });
      expect(noReason.status).toBe(400);
      expect(((await noReason.json()) as { details: { path: string; message: string }[] }).details[0]).toMatchObject({ path: 'reason' });
      const first = await approve(tokens.oncall, { decision: 'approve', reason: 'key confirmed leaked' });
      expect(first.status).toBe(200);
      expect(((await first.json()) as { approval: { outcome?: string } }).approval.outcome).toBeUndefined();
      expect(await keysOf('dana-ml')).toHaveLength(1);
      expect((await approve(tokens.oncall2, { decision: 'approve', reason: 'confirmed with the owner' })).status).toBe(200);

      const final = await resolveAndClose(handle);
      expect(final.status).toBe('closed');
      expect(await keysOf('dana-ml')).toEqual([]);
      expect(final.steps.disable_key).toMatchObject({ status: 'applied', outcome: 'changed' });
      expect(final.steps.delete_key).toMatchObject({ status: 'applied', outcome: 'changed' });

      // The closing evidence bundle records both changes with their before and after.
      const dir = join(peers.evidenceDir, 'incidents', incidentId);
      const closure = readdirSync(dir).find((f) => f.startsWith('snapshot_closure'));
      const bundle = JSON.parse(readFileSync(join(dir, closure!), 'utf8')) as { incident: IncidentState };
      const steps = bundle.incident.steps;
      expect(steps.disable_key!.status).toBe('applied');
      expect(Object.keys(steps.disable_key!.output as object)).toEqual(expect.arrayContaining(['before', 'after']));
      expect(JSON.stringify(steps.disable_key!.output)).toContain('Inactive');
      expect(steps.delete_key).toMatchObject({ status: 'applied' });
      expect(steps.delete_key!.approval!.votes[0]).toMatchObject({ approver: 'olga', decision: 'approve', via: 'api' });

      // Evidence downloads: the bundle as the step recorded it (sha256 checked), to a viewer.
      const evidence = (step: string, token = tokens.viewer) => fetch(`${intake.url}/v1/incidents/${incidentId}/evidence/${step}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      const download = await evidence('snapshot_closure');
      expect(download.status, await download.clone().text()).toBe(200);
      expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${incidentId}-${closure}"`);
      expect(Buffer.from(await download.arrayBuffer()).equals(readFileSync(join(dir, closure!)))).toBe(true);
      expect((await evidence('disable_key')).status).toBe(404); // a step that stored no evidence
      expect((await evidence('no_such_step')).status).toBe(404);
      expect((await evidence('..%2Fetc')).status).toBe(400);
      expect((await evidence('snapshot_closure', '')).status).toBe(401);
      writeFileSync(join(dir, closure!), '{"edited":true}'); // the stored file changed after the step recorded it
      const tampered = await evidence('snapshot_closure');
      expect(tampered.status).toBe(500);
      expect(((await tampered.json()) as { error: string }).error).toContain('no longer matches the sha256 step snapshot_closure recorded');

      // The owner was told, with the incident id.
      await expect.poll(() => peers.smtp.messages.some((m) => m.to && JSON.stringify(m.to).includes('dana@example.com') && (m.text ?? '').includes(incidentId))).toBe(true);
    });
  });

  it('a live incident with no AWS configured ends in the contain phase, with the step "not applied: aws not configured", not contained, and the responders notified', async () => {
    await withWorker({ providers: peers.deps }, { taskQueue: intake.taskQueue }, async () => {
      const res = await postAlert(
        intake.url,
        {
          type: 'credential.leaked',
          severity: 'high',
          title: 'AWS key committed, no AWS configured',
          source: 'github-secret-scanning',
          fingerprint: 'e2e-leak-no-aws',
          principal: { user: 'dana', aws_user: 'dana-ml', aws_access_key_id: 'AKIAEXAMPLE000000077' },
        },
        {},
        '?dry_run=false',
      );
      expect(res.status).toBe(202);
      const { incidentId, workflowId } = (await res.json()) as { incidentId: string; workflowId: string };
      const handle = client.workflow.getHandle(workflowId);
      await expect.poll(async () => (await handle.query(incidentStateQuery)).status, { timeout: 30_000 }).toBe('waiting');
      const st = await handle.query(incidentStateQuery);
      expect(st.phase).toBe('contain');
      expect(st.steps.disable_key).toMatchObject({ status: 'not_applied', notApplied: { message: 'aws not configured' } });
      expect(st.times.containedAt).toBeUndefined();
      expect(st.status).not.toBe('contained');
      expect(st.steps.delete_key!.status).toBe('pending');
      // The responders are told in the playbook's channel, and by mail.
      await expect.poll(() => peers.slack.messages.some((m) => m.text.includes(incidentId) && m.text.includes('NOT applied: aws not configured'))).toBe(true);
      await expect.poll(() => peers.smtp.messages.some((m) => (m.text ?? '').includes(incidentId) && (m.text ?? '').includes('aws not configured'))).toBe(true);
      await handle.terminate('test over');
    });
  });
});
