import { describe, expect, it } from 'vitest';
import { observedLines, stepLines } from '../../cli/commands/incident-steps.js';
import type { StepState } from '../../contracts/incident.js';

const base = { phase: 'contain', action: 'aws.disableAccessKey', title: 'Disable AWS access key' } as const;
const body = (s: StepState): string[] => stepLines(s, Date.parse('2026-12-06T12:00:00Z')).slice(1);

describe('warden incidents show: one step', () => {
  it('an applied step: when it ran, and only the fields that changed, before → after', () => {
    const lines = body({
      ...base,
      id: 'disable_key',
      status: 'applied',
      outcome: 'changed',
      startedAt: '2026-12-06T11:00:00.000Z',
      finishedAt: '2026-12-06T11:00:02.500Z',
      plan: ['set access key AKIA1 of IAM user dana to Inactive'],
      output: { before: { status: 'Active' }, after: { status: 'Inactive' }, readBack: 'ListAccessKeys' },
      observed: { before: { status: 'Active', user: 'dana' }, after: { status: 'Inactive', user: 'dana' } },
    });
    expect(lines).toEqual([
      '      time: 2026-12-06 11:00:00Z → 2026-12-06 11:00:02Z (2s)',
      '      plan: set access key AKIA1 of IAM user dana to Inactive',
      '      before → after (read at the peer):',
      '        status: Active → Inactive',
      // The output besides before and after, which are shown above.
      '      output: {"readBack":"ListAccessKeys"}',
    ]);
  });

  it('already so shows the one read; a dry run shows the read before and no after; absent reads as none', () => {
    expect(observedLines({ before: { alias: 'champion', version: '2' }, after: { alias: 'champion', version: '2' } })).toEqual([
      'before = after: {"alias":"champion","version":"2"} (read at the peer)',
    ]);
    expect(observedLines({ before: { status: 'Active' } })).toEqual(['before: {"status":"Active"} (read at the peer; a dry run changes nothing)']);
    expect(observedLines({ before: { revokedBefore: null }, after: { revokedBefore: '2026-12-06T10:00:00Z' } })).toEqual([
      'before → after (read at the peer):',
      '  revokedBefore: none → 2026-12-06T10:00:00Z',
    ]);
  });

  it('a step not applied and then skipped: why not, who asked for a retry, who skipped it and their reason', () => {
    const lines = body({
      ...base,
      id: 'disable_key',
      status: 'skipped',
      startedAt: '2026-12-06T11:00:00.000Z',
      finishedAt: '2026-12-06T11:05:00.000Z',
      notApplied: { reason: 'provider-not-configured', message: 'aws not configured' },
      retries: [{ by: 'olga', at: '2026-12-06T11:01:00.000Z' }],
      resolution: { action: 'skip', by: 'otto', text: 'key already rotated by its owner', at: '2026-12-06T11:05:00.000Z' },
    });
    expect(lines).toEqual([
      '      time: 2026-12-06 11:00:00Z → 2026-12-06 11:05:00Z (5m 0s)',
      '      not applied: aws not configured (provider-not-configured)',
      '      skipped by otto at 2026-12-06 11:05:00Z: key already rotated by its owner',
      '      retry requested by olga at 2026-12-06 11:01:00Z',
    ]);
  });

  it('a denied step: when it ended, and each vote with its path and reason', () => {
    const lines = body({
      ...base,
      id: 'delete_key',
      status: 'denied',
      finishedAt: '2026-12-06T11:10:00.000Z',
      approval: {
        groups: ['security-oncall'],
        escalation: [],
        quorum: 1,
        fourEyes: false,
        requester: 'alert:github',
        requestedAt: '2026-12-06T11:00:00.000Z',
        deadline: '2026-12-06T11:30:00.000Z',
        escalationLevel: 0,
        announced: true,
        remindersSent: [],
        votes: [{ approver: 'olga', decision: 'reject', via: 'cli', at: '2026-12-06T11:10:00.000Z', reason: 'the key is a honeypot' }],
        outcome: 'rejected',
        decidedAt: '2026-12-06T11:10:00.000Z',
      },
    });
    expect(lines[0]).toBe('      time: ended 2026-12-06 11:10:00Z');
    expect(lines).toContain('        olga reject via cli at 2026-12-06 11:10:00Z: the key is a honeypot');
    expect(lines).toContain('        outcome: rejected at 2026-12-06 11:10:00Z');
  });
});
