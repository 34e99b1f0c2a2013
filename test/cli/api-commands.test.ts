import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../server/app.js';
import { createRouter } from '../../server/router.js';
import type { IncidentState } from '../../contracts/incident.js';
import { assertBuilt, CLI_PATH, cleanEnv, spawnCli, type CliRun } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { allApiRoutes } from '../helpers/api-routes.js';
import { SUITE_ENV } from '../helpers/suite-env.js';

const temporalCli = process.env[SUITE_ENV.temporalCli];
const TRIAGE = fileURLToPath(new URL('../../playbooks/triage.yaml', import.meta.url));

/** A playbook whose contain step waits for security-oncall and that reaches no external provider. */
const APPROVAL_PLAYBOOK = `id: cli-approval
version: 1
title: CLI approval test
description: One step that waits for the on-call's approval; nothing reaches a provider.
triggers:
  - types: [cli.test]
    minSeverity: low
severity: high
owners: [security-oncall]
phases:
  detect:
    - id: snapshot_detection
      action: evidence.snapshot
      with: { label: detection }
  contain:
    - id: hold_the_line
      action: evidence.snapshot
      with: { label: contained }
      approval:
        groups: [security-oncall]
        timeout: 30m
  recover:
    - id: watch
      action: incident.wait
      with: { duration: 10m }
`;

const alertBody = (fingerprint: string, title = 'CLI test alert'): string =>
  JSON.stringify({ type: 'cli.test', severity: 'high', title, source: 'vitest-cli', fingerprint, principal: { user: 'mallory' } });

/** `warden ARGS` with `input` on stdin. */
function runWithStdin(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((res) => child.once('close', (code) => res({ code, stdout, stderr })));
}

describe.skipIf(!temporalCli)('warden CLI against a running warden start', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let warden: ReturnType<typeof spawnCli> | undefined;
  let incidentId = '';

  const run = (...args: string[]): Promise<CliRun> => spawnCli(args, env).done;
  const ok = async (...args: string[]): Promise<string> => {
    const r = await run(...args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'warden-api-cli-'));
    const playbooks = join(dir, 'playbooks');
    mkdirSync(playbooks);
    copyFileSync(TRIAGE, join(playbooks, 'triage.yaml'));
    writeFileSync(join(playbooks, 'cli-approval.yaml'), APPROVAL_PLAYBOOK);
    writeFileSync(join(dir, 'alert-1.json'), alertBody('cli-test-1'));
    env = cleanEnv({
      TEMPORAL_CLI_PATH: temporalCli!,
      WARDEN_STATE_DIR: join(dir, 'state'),
      WARDEN_PLAYBOOKS_DIR: playbooks,
      WARDEN_HTTP_PORT: String(await freePort()),
      WARDEN_TEMPORAL_PORT: String(await freePort()),
      WARDEN_TEMPORAL_UI_PORT: String(await freePort()),
    });
    const started = spawnCli(['start'], env);
    warden = started;
    const deadline = Date.now() + 110_000;
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${env.WARDEN_HTTP_PORT}/healthz`).catch(() => undefined);
      if (res?.status === 200) break;
      const { code, stderr } = started.output();
      if (code !== null) throw new Error(`warden start exited (${code}) before it was healthy:\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`warden start was not healthy within 110 s:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 120_000);

  afterAll(async () => {
    if (!warden) return;
    warden.kill('SIGTERM');
    const exit = await warden.done;
    expect(exit.stderr).toContain('stopping: signal SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('alert send signs and posts an alert: an incident opens; the same fingerprint joins it', async () => {
    const first = await ok('alert', 'send', join(dir, 'alert-1.json'));
    const match = /^incident (inc-[0-9a-f]{16}) \(cli-approval\)\n$/.exec(first);
    expect(match, first).not.toBeNull();
    incidentId = match![1]!;

    const again = await ok('alert', 'send', join(dir, 'alert-1.json'));
    expect(again).toBe(`incident ${incidentId} (cli-approval): joined an open incident\n`);

    // From stdin, as JSON.
    const piped = await runWithStdin(['alert', 'send', '-', '--json'], env, alertBody('cli-test-1'));
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ incidentId, playbook: 'cli-approval', deduplicated: true, workflowId: `incident-${incidentId}` });
  });

  it('a dry run of the same alert takes its own id sequence: it neither joins the live incident nor takes a live number; the list marks it', async () => {
    const hash = incidentId.replace(/^inc-/, '');
    const dry = await ok('alert', 'send', join(dir, 'alert-1.json'), '--dry-run');
    expect(dry).toBe(`incident dry-${hash} (cli-approval): dry run\n`);
    // Once that dry run ended, the next one follows it, in the dry-run sequence; the live incident is untouched.
    await expect.poll(async () => JSON.parse(await ok('incidents', 'show', `dry-${hash}`, '--json')) as { status: string }, { timeout: 30_000, interval: 500 }).toMatchObject({ status: 'planned' });
    expect(await ok('alert', 'send', join(dir, 'alert-1.json'), '--dry-run')).toBe(`incident dry-${hash}-2 (cli-approval): follows closed incident dry-${hash}; dry run\n`);
    const live = JSON.parse(await ok('incidents', 'show', incidentId, '--json')) as { alerts: { count: number }; linkedIncidentId?: string };
    expect(live.alerts.count).toBe(3);
    expect(live.linkedIncidentId).toBeUndefined();
    await expect
      .poll(async () => (await ok('incidents', 'list')).split('\n').find((l) => l.startsWith(`dry-${hash} `)), { timeout: 20_000, interval: 500 })
      .toMatch(/^dry-\S+\s+\[DRY RUN\] CLI test alert\s+planned\s/);
    const rows = JSON.parse(await ok('incidents', 'list', '--json')) as { incidentId: string; dryRun: boolean; title: string }[];
    expect(rows.find((r) => r.incidentId === incidentId)).toMatchObject({ dryRun: false, title: 'CLI test alert' });
    expect(rows.find((r) => r.incidentId === `dry-${hash}`)).toMatchObject({ dryRun: true, title: 'CLI test alert' });
  });

  it('incidents list shows it, as a table and as JSON, with filters', async () => {
    await expect.poll(async () => (await run('incidents', 'list')).stdout, { timeout: 20_000, interval: 500 }).toContain(incidentId);
    const table = await ok('incidents', 'list');
    expect(table.split('\n')[0]).toMatch(/^ID\s+TITLE\s+STATUS\s+SEVERITY\s+PLAYBOOK\s+PHASE\s+STARTED$/);
    expect(table).toMatch(new RegExp(`${incidentId}\\s+CLI test alert\\s+\\S+\\s+high\\s+cli-approval\\s+\\S+\\s+\\d{4}-\\d{2}-\\d{2} `));

    await expect
      .poll(async () => JSON.parse(await ok('incidents', 'list', '--playbook', 'cli-approval', '--status', 'awaiting-approval', '--json')) as { incidentId: string }[], {
        timeout: 20_000,
        interval: 500,
      })
      .toEqual([expect.objectContaining({ incidentId, status: 'awaiting-approval', severity: 'high', playbook: 'cli-approval', phase: 'contain' })]);
    expect(JSON.parse(await ok('incidents', 'list', '--severity', 'critical', '--json'))).toEqual([]);
  });

  it('incidents show shows the step awaiting approval', async () => {
    await expect.poll(async () => (await run('incidents', 'show', incidentId)).stdout, { timeout: 20_000, interval: 500 }).toMatch(/\? hold_the_line .* awaiting-approval/);
    const shown = await ok('incidents', 'show', incidentId);
    expect(shown).toContain(`incident ${incidentId}: CLI test alert`);
    expect(shown).toMatch(/playbook\s+cli-approval v1 \(sha256:[0-9a-f]{12}\)/);
    expect(shown).toMatch(/status\s+awaiting-approval \(phase contain\)/);
    expect(shown).toMatch(/dry run\s+no/);
    expect(shown).toMatch(/alerts\s+3 /);
    expect(shown).toMatch(/MTTD\s+\S+/);
    expect(shown).toContain('✓ snapshot_detection');
    expect(shown).toContain('approval: groups security-oncall; quorum 1');
    expect(shown).toContain('outcome: pending, 0 of 1 approval(s)');

    const state = JSON.parse(await ok('incidents', 'show', incidentId, '--json')) as IncidentState;
    expect(state.steps.hold_the_line).toMatchObject({ status: 'awaiting-approval', approval: { groups: ['security-oncall'], quorum: 1, votes: [] } });
  });

  it('approve shows the plan it decides for, decides the step through the CLI (via cli); a stale --plan and a second decision are refused', async () => {
    // Without STEP, or with a step the incident does not have: one line naming the steps that wait.
    for (const args of [[incidentId], [incidentId, 'hold_the_lin']]) {
      const r = await run('approve', ...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^warden: (approve needs a STEP|incident ${incidentId} has no step "hold_the_lin"); waiting for a decision: hold_the_line \\(evidence\\.snapshot\\) until \\d{4}-[^;]+; see 'warden approve --help'\\n$`,
        ),
      );
    }
    // warden approvals: the step waits on the local admin (in security-oncall), with the command that decides it.
    const mine = JSON.parse(await ok('approvals', '--json')) as { caller: string; approvals: { kind: string; incidentId?: string; stepId?: string; may?: string[] }[] };
    expect(mine.caller).toBe('local-admin');
    expect(mine.approvals.filter((a) => a.incidentId === incidentId)).toEqual([expect.objectContaining({ kind: 'incident-step', stepId: 'hold_the_line', may: ['approve', 'reject'] })]);
    expect(await ok('approvals')).toMatch(
      new RegExp(`incident\\s+${incidentId} hold_the_line \\(evidence\\.snapshot\\): CLI test alert\\s+until \\S+ \\S+\\s+warden approve ${incidentId} hold_the_line \\[--reject\\]`),
    );

    const stale = await run('approve', incidentId, 'hold_the_line', '--reason', 'read long ago', '--plan', `sha256:${'0'.repeat(64)}`);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^warden: 409 .*plan/);
    const waiting = (JSON.parse(await ok('incidents', 'show', incidentId, '--json')) as IncidentState).steps.hold_the_line!;
    const [digest, plan] = [waiting.approval!.planDigest!, (waiting.plan ?? []).map((l) => `  • ${l}\n`).join('')];
    expect(plan).not.toBe('');
    const decided = await run('approve', incidentId, 'hold_the_line', '--reason', 'checked with the owner');
    expect(decided.code).toBe(0);
    expect(decided.stderr).toBe(`step hold_the_line of incident ${incidentId} (evidence.snapshot) will:\n${plan}plan ${digest}\n`);
    expect(decided.stdout).toBe(`step hold_the_line of incident ${incidentId}: approved\n`);

    const shown = await ok('incidents', 'show', incidentId);
    expect(shown).toMatch(/local-admin approve via cli at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z: checked with the owner/);
    expect(shown).toMatch(/outcome: approved at /);
    expect(shown).toMatch(/first human action\s+\d{4}-/);

    // Decided: it waits on no one any more.
    expect((JSON.parse(await ok('approvals', '--json')) as { approvals: { incidentId?: string }[] }).approvals.filter((a) => a.incidentId === incidentId)).toEqual([]);

    const again = await run('approve', incidentId, 'hold_the_line', '--json');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^warden: 409 already decided: step "hold_the_line"/);
    expect(again.stdout).toBe('');
  });

  it('note adds a note; --json answers JSON', async () => {
    expect(await ok('note', incidentId, 'owner', 'confirmed', 'the', 'key', 'was', 'a', 'test')).toBe(`added a note to incident ${incidentId} (1 note(s))\n`);
    expect(JSON.parse(await ok('note', incidentId, 'second note', '--json'))).toEqual({ notes: 2 });
    const state = JSON.parse(await ok('incidents', 'show', incidentId, '--json')) as IncidentState;
    expect(state.notes.map((n) => [n.by, n.text])).toEqual([
      ['local-admin', 'owner confirmed the key was a test'],
      ['local-admin', 'second note'],
    ]);
    expect(await ok('incidents', 'show', incidentId)).toContain('local-admin: owner confirmed the key was a test');
  });

  it('cancel --reason cancels a second incident', async () => {
    const sent = JSON.parse(await runWithStdin(['alert', 'send', '-', '--json'], env, alertBody('cli-test-2', 'second alert')).then((r) => r.stdout)) as { incidentId: string; deduplicated: boolean };
    expect(sent.deduplicated).toBe(false);
    expect(sent.incidentId).not.toBe(incidentId);

    const cancelled = await ok('cancel', sent.incidentId, '--reason', 'x');
    expect(cancelled).toMatch(new RegExp(`^cancelling incident ${sent.incidentId} \\(it was [a-z-]+\\)`));
    await expect.poll(async () => (JSON.parse(await ok('incidents', 'show', sent.incidentId, '--json')) as IncidentState).status, { timeout: 20_000, interval: 500 }).toBe('cancelled');
    const shown = await ok('incidents', 'show', sent.incidentId);
    expect(shown).toMatch(/cancelled\s+by local-admin at .*: x/);
    expect(shown).toContain('x hold_the_line');

    const twice = await run('cancel', sent.incidentId, '--reason', 'again');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^warden: 409 /);

    const noReason = await run('cancel', incidentId);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('cancel needs --reason');
  });

  it('incidents ack and false-positive: a triage incident is acknowledged (MTTA shown) and, once its steps are settled, marked a false positive', async () => {
    const unmatched = JSON.stringify({ type: 'nothing.matches', severity: 'medium', title: 'unmatched', source: 'vitest-cli', fingerprint: 'cli-triage-1' });
    const sent = JSON.parse(await runWithStdin(['alert', 'send', '-', '--json'], env, unmatched).then((r) => r.stdout)) as { incidentId: string; playbook: string };
    expect(sent.playbook).toBe('triage');
    const id = sent.incidentId;
    const showJson = async () => JSON.parse(await ok('incidents', 'show', id, '--json')) as IncidentState;
    expect(await ok('incidents', 'ack', id)).toMatch(new RegExp(`^incident ${id}: acknowledged \\(first by local-admin at \\S+; MTTA [^)]+\\)\\n$`));
    const shown = await ok('incidents', 'show', id);
    expect(shown).toMatch(/acknowledged\s+by local-admin at /);
    expect(shown).toMatch(/MTTA\s+\S+.* \(acknowledged − detected\)/);
    const noReason = await run('incidents', 'false-positive', id);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('incidents false-positive needs --reason');
    // No Slack here: the page is not applied, and being a message it holds nothing back: the
    // incident comes to wait for its resolution with nobody acting, and the page stays not applied.
    await expect.poll(async () => (await showJson()).awaiting, { timeout: 20_000, interval: 500 }).toBe('resolution');
    expect((await showJson()).steps.page_oncall?.status).toBe('not_applied');
    await ok('incidents', 'step', id, 'page_oncall', '--skip', 'no Slack in this test');
    expect(await ok('incidents', 'false-positive', id, '--reason', 'a scanner test run')).toBe(`incident ${id}: marked a false positive (now false_positive)\n`);
    await expect.poll(async () => (await showJson()).status, { timeout: 20_000, interval: 500 }).toBe('false_positive');
    const ended = await ok('incidents', 'show', id);
    expect(ended).toMatch(/false positive\s+by local-admin at .*: a scanner test run/);
    expect(ended).toContain('- (a false positive: no recovery)');
  });

  it('a wrong token is a 401 that says how to set WARDEN_TOKEN, without printing the token or a stack', async () => {
    const token = 'wrong-token-4f1d9c';
    const r = await spawnCli(['incidents', 'list'], { ...env, WARDEN_TOKEN: token }).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^warden: 401 /);
    expect(r.stderr).toContain('WARDEN_TOKEN');
    expect(r.stderr).not.toContain(token);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // The admin token the CLI read from the state dir is never printed either.
    const adminToken = readFileSync(join(dir, 'state', 'admin-token'), 'utf8').trim();
    const shown = await run('incidents', 'show', incidentId);
    expect(shown.stdout + shown.stderr).not.toContain(adminToken);
  });

  it('an unknown incident is a 404; a bad filter is a 400 with one line per field', async () => {
    const missing = await run('incidents', 'show', 'inc-0000000000000000');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^warden: 404 no such incident/);
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);

    const bad = await run('incidents', 'list', '--status', 'bogus', '--severity', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^warden: 400 invalid query\n {2}status: .+\n {2}severity: .+\n$/);
  });

  it('an alert signed with another secret is refused with 401', async () => {
    const r = await spawnCli(['alert', 'send', join(dir, 'alert-1.json')], { ...env, WARDEN_WEBHOOK_SECRET: 'not-the-server-secret-0123' }).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^warden: 401 x-warden-signature does not match the request\n/);
    expect(r.stderr).not.toContain('not-the-server-secret-0123');
  });
});

describe('warden CLI without a server', () => {
  it('says the server is not reachable and how to start it', async () => {
    assertBuilt();
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await spawnCli(['incidents', 'list'], cleanEnv({ WARDEN_URL: url, WARDEN_STATE_DIR: mkdtempSync(join(tmpdir(), 'warden-api-cli-')) })).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`not reachable at ${url}`);
    expect(r.stderr).toContain('npx warden start');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses flags a command does not take', async () => {
    assertBuilt();
    const r = await spawnCli(['note', 'inc-1', 'text', '--rollback'], cleanEnv({})).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not take --rollback');
  });
});

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document, which describes every API route', async () => {
    const routes = allApiRoutes();
    const router = createRouter(routes, () => undefined);
    const server = createServer((req, res) => void router(req, res));
    const port = await listen(server, '127.0.0.1', 0);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/openapi.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
      expect(doc.openapi).toBe('3.1.0');
      const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
      const served = routes.filter((r) => r.method !== 'OPTIONS').map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
      expect(documented.sort()).toEqual(served.sort());
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
