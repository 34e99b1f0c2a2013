import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config.js';
import { loadWardenConfig } from '../../config/load.js';
import { DEFAULT_REVIEW_SETTINGS, reviewSettingsSchema } from '../../config/reviews.js';

function loadYaml(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'warden-reviews-config-'));
  try {
    writeFileSync(join(dir, 'warden.yaml'), yaml);
    return loadWardenConfig({ WARDEN_CONFIG: 'warden.yaml' }, dir).file;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function problemsOf(yaml: string): readonly string[] {
  try {
    loadYaml(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => p.replace(/^.*warden\.yaml: /, ''));
  }
  return expect.unreachable('the configuration was accepted');
}

const PEOPLE = `people:
  - { id: alice, name: Alice, email: alice@example.com }
  - { id: sec, name: Security, email: sec@example.com }
`;

describe('the reviews section of warden.yaml', () => {
  it('defaults to a quarterly campaign at 09:00 UTC, reviewed by managers, keeping what nobody decided', () => {
    expect(loadYaml('{}\n').reviews).toEqual(DEFAULT_REVIEW_SETTINGS);
    expect(DEFAULT_REVIEW_SETTINGS).toEqual({
      policyDir: 'policy',
      reviewer: 'manager',
      owners: [],
      fallbackReviewers: [],
      deadlineDays: 14,
      graceDays: 2,
      reminderDays: [7, 3, 1],
      onSilence: 'keep',
      exceptions: [],
      compliance: { email: [] },
      offboardOrphans: false,
      schedule: { cron: '0 9 1 1,4,7,10 *', timezone: 'UTC' },
      awsBatchUsers: 50,
    });
  });

  it('reads every field, snake_case in the file, into ReviewSettings', () => {
    const config = loadYaml(`${PEOPLE}reviews:
  policy_dir: /etc/warden/policy
  reviewer: owner
  owners:
    - { system: github, resource: "acme/model-*", person: alice }
    - { resource: "*", person: sec }
  fallback_reviewers: [sec, alice]
  deadline_days: 21
  grace_days: 3
  reminder_days: [1, 14, 7]
  on_silence: revoke-flagged
  exceptions:
    - { system: aws, subject: "ci-*", reason: CI identities are reviewed by platform }
  approval_group: security-leads
  compliance: { email: [audit@example.com], slack_channel: "#compliance" }
  offboard_orphans: true
  schedule: { cron: "0 8 1 */3 *", timezone: Europe/Berlin }
  aws_batch_users: 100
`);
    expect(config.reviews).toEqual({
      policyDir: '/etc/warden/policy',
      reviewer: 'owner',
      owners: [
        { system: 'github', resource: 'acme/model-*', person: 'alice' },
        { resource: '*', person: 'sec' },
      ],
      fallbackReviewers: ['sec', 'alice'],
      deadlineDays: 21,
      graceDays: 3,
      reminderDays: [14, 7, 1],
      onSilence: 'revoke-flagged',
      exceptions: [{ system: 'aws', subject: 'ci-*', reason: 'CI identities are reviewed by platform' }],
      approvalGroup: 'security-leads',
      compliance: { email: ['audit@example.com'], slackChannel: '#compliance' },
      offboardOrphans: true,
      schedule: { cron: '0 8 1 */3 *', timezone: 'Europe/Berlin' },
      awsBatchUsers: 100,
    });
  });

  it('names each bad field and what to do about it', () => {
    expect(
      problemsOf(`${PEOPLE}reviews:
  reviewer: team-lead
  on_silence: delete
  reminder_days: [20, 3, 3]
  exceptions:
    - { reason: everything }
  schedule: { cron: "every quarter", timezone: Mars/Olympus }
  colour: blue
`),
    ).toEqual([
      'reviews.reviewer: Invalid option: expected one of "owner"|"manager"',
      'reviews.on_silence: Invalid option: expected one of "keep"|"revoke"|"revoke-flagged"',
      'reviews.exceptions.0: give at least one of system, subject, resource',
      'reviews.schedule.cron: a cron expression of five fields, e.g. "0 9 1 1,4,7,10 *"',
      'reviews.schedule.timezone: an IANA time zone such as "UTC" or "Europe/Berlin"',
      'reviews: Unrecognized key: "colour"',
    ]);
    expect(problemsOf('reviews:\n  reminder_days: [20, 3, 3]\n')).toEqual([
      'reviews.reminder_days.0: a reminder 20 days before a 14-day deadline would precede the campaign; use fewer days',
      'reviews.reminder_days.2: 3 appears twice',
    ]);
  });

  it('refuses reviewers and owners who are not listed in people, once people are listed', () => {
    expect(problemsOf(`${PEOPLE}reviews:\n  owners: [{ resource: "*", person: bob }]\n  fallback_reviewers: [sec, carol]\n`)).toEqual([
      'reviews.owners.0.person: no person with id "bob": add them to people, or remove the reference',
      'reviews.fallback_reviewers.1: no person with id "carol": add them to people, or remove the reference',
    ]);
    expect(loadYaml('reviews:\n  fallback_reviewers: [carol]\n').reviews.fallbackReviewers).toEqual(['carol']);
  });

  it('is shown, valid, in warden.example.yaml', () => {
    const { file: config } = loadWardenConfig({ WARDEN_CONFIG: 'warden.example.yaml' });
    expect(config.reviews).toMatchObject({ reviewer: 'manager', fallbackReviewers: ['alice'], owners: [{ system: 'github', resource: 'acme/model-*', person: 'alice' }] });
    expect(config.reviews.schedule).toEqual({ cron: '0 9 1 1,4,7,10 *', timezone: 'UTC' });
    expect(config.people.map((p) => p.roles)).toEqual([['mlops'], ['data-scientist']]);
  });

  it('parses on its own, outside the file', () => {
    expect(reviewSettingsSchema.parse({ on_silence: 'revoke' }).onSilence).toBe('revoke');
  });
});
