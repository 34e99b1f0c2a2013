import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../cli/commands/index.js';
import { reviewCommand, type ReviewFlags } from '../../cli/commands/review.js';
import { describeReviewSchedule } from '../../temporal/review-schedule.js';
import { REVIEW_SCHEDULE_ID } from '../../contracts/reviews.js';
import { suiteValue } from '../helpers/suite-env.js';
import { suiteClient } from '../harness.js';

let dir: string;
let client: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-review-cli-'));
  client = await suiteClient();
});
afterAll(async () => {
  // Only this file creates the Schedule under its real id on the suite's server.
  await client?.schedule
    .getHandle(REVIEW_SCHEDULE_ID)
    .delete()
    .catch(() => undefined);
  await client?.connection.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Runs `warden review ARGS` in this process, capturing what it prints. */
async function review(args: string[], flags: ReviewFlags = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  try {
    const code = await reviewCommand(args, flags);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('warden review validate', () => {
  it('accepts the shipped policy', async () => {
    const r = await review(['validate', 'policy']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^ok {2}policy: 5 roles, 4 assets, \d+ mapping rules\n$/);
  });

  it('prints every problem with its file and line, and exits 1', async () => {
    const broken = join(dir, 'broken-policy');
    mkdirSync(broken);
    copyFileSync('policy/entitlement-map.yaml', join(broken, 'entitlement-map.yaml'));
    writeFileSync(join(broken, 'access-matrix.yaml'), 'levels: [None, Read]\nassets: []\nroles: []\nsurprise: 1\n');
    const r = await review(['validate', broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(broken, 'access-matrix.yaml')}:`);
    expect(r.stderr).toMatch(/access-matrix\.yaml:4:\d+: surprise: /);
    expect(r.stderr).toMatch(/\d+ problem\(s\) in .*broken-policy\n$/);
    const missing = await review(['validate', join(dir, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read: ENOENT/);
  });
});

describe('warden review: usage', () => {
  it.each([
    [['nope'], {}, /unknown review subcommand "nope"/],
    [['status'], {}, /usage: warden review status ID/],
    [['status', 'a', 'b'], {}, /usage: warden review status ID/],
    [['run'], { reviewer: 'x' }, /review run does not take --reviewer/],
    [['decide', 'q1', 'item'], {}, /usage: warden review decide ID ITEM keep\|revoke/],
    [['decide', 'q1', 'item', 'maybe'], {}, /the decision is keep or revoke; got "maybe"/],
    [['decide', 'q1'], {}, /usage: warden review decide/],
    [['report', 'q1'], { format: 'pdf' }, /--format takes summary, json, csv or html/],
    [['schedule', 'extra'], {}, /usage: warden review schedule/],
    [['validate', 'a', 'b'], {}, /usage: warden review validate \[DIR\]/],
  ] as const)('refuses %j %j', async (args, flags, message) => {
    await expect(reviewCommand([...args], flags)).rejects.toThrow(UsageError);
    await expect(reviewCommand([...args], flags)).rejects.toThrow(message);
  });
});

describe('warden review schedule', () => {
  it('creates the Schedule from warden.yaml reviews.schedule, then updates it from the flags, and prints the next runs', async () => {
    const config = join(dir, 'warden.yaml');
    writeFileSync(config, 'reviews:\n  schedule:\n    cron: "0 6 1 1,4,7,10 *"\n    timezone: Europe/Berlin\n');
    vi.stubEnv('WARDEN_CONFIG', config);
    vi.stubEnv('WARDEN_STATE_DIR', join(dir, 'state'));
    vi.stubEnv('TEMPORAL_ADDRESS', suiteValue('address'));
    vi.stubEnv('TEMPORAL_NAMESPACE', suiteValue('namespace'));
    vi.stubEnv('WARDEN_ENCRYPTION_KEYS', suiteValue('keys'));
    await client.schedule
      .getHandle(REVIEW_SCHEDULE_ID)
      .delete()
      .catch(() => undefined);

    const created = await review(['schedule']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created schedule warden-access-review: cron "0 6 1 1,4,7,10 \*" in Europe\/Berlin, overlapping runs skipped\nnext runs:\n( {2}\d{4}-\d{2}-01 0[45]:00:00Z\n){4}$/);
    expect((await describeReviewSchedule(client)).spec.timezone).toBe('Europe/Berlin');

    const updated = await review(['schedule'], { timezone: 'UTC', cron: '0 9 1 1,4,7,10 *', json: true });
    expect(updated.code).toBe(0);
    const json = JSON.parse(updated.stdout) as { result: string; scheduleId: string; cron: string; timezone: string; nextActionTimes: string[] };
    expect(json).toMatchObject({ result: 'updated', scheduleId: REVIEW_SCHEDULE_ID, cron: '0 9 1 1,4,7,10 *', timezone: 'UTC' });
    expect(json.nextActionTimes).toHaveLength(4);
    for (const t of json.nextActionTimes) expect(t).toMatch(/^\d{4}-(01|04|07|10)-01T09:00:00\.000Z$/);
    const d = await describeReviewSchedule(client);
    expect(d.spec.timezone).toBe('UTC');
    expect(d.policies.overlap).toBe('SKIP');

    await expect(reviewCommand(['schedule'], { timezone: 'Mars/Olympus' })).rejects.toThrow(/unknown time zone "Mars\/Olympus"/);
    await expect(reviewCommand(['schedule'], { cron: 'every quarter' })).rejects.toThrow(/Temporal refused the schedule \(cron "every quarter"/);
  });
});
