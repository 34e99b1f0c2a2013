import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, RetryState } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { applicationFailureOf, failure, FailureKind, isFailureKind, isRetryable } from '../../contracts/failures.js';

const kinds = Object.values(FailureKind);

/** An ApplicationFailure as a workflow sees it after an activity failed: wrapped in an ActivityFailure. */
const fromActivity = (cause: Error) => new ActivityFailure('activity failed', 'runAction', '7', RetryState.NON_RETRYABLE_FAILURE, 'worker-1', cause);

describe('FailureKind', () => {
  it('names every kind by itself, once', () => {
    for (const [name, value] of Object.entries(FailureKind)) expect(value).toBe(name);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  it('keeps the type strings histories and tests already hold', () => {
    expect(FailureKind.SlackUnavailable).toBe('SlackUnavailable');
    expect(FailureKind.AwsNotFound).toBe('AwsNotFound');
    expect(FailureKind.DeleteConflict).toBe('DeleteConflict');
    expect(FailureKind.RegistryAuthNotEnabled).toBe('RegistryAuthNotEnabled');
    expect(FailureKind.ProviderNotConfigured).toBe('ProviderNotConfigured');
  });

  it('declares exactly the provider outages (and a send another worker holds) as retryable', () => {
    expect(kinds.filter(isRetryable).sort()).toEqual(
      [
        'AwsUnavailable',
        'GitHubUnavailable',
        'HttpUnavailable',
        'ObjectStoreUnavailable',
        'RegistryInconsistent',
        'RegistryUnavailable',
        'SendInProgress',
        'SlackUnavailable',
        'SmtpUnavailable',
      ].sort(),
    );
  });
});

describe('failure', () => {
  it('derives nonRetryable from the kind', () => {
    for (const kind of kinds) {
      const f = failure(kind, `a ${kind}`);
      expect(f).toBeInstanceOf(ApplicationFailure);
      expect(f).toMatchObject({ type: kind, message: `a ${kind}`, nonRetryable: !isRetryable(kind) });
    }
    expect(failure(FailureKind.GitHubUnavailable, 'slow down').nonRetryable).toBe(false);
    expect(failure(FailureKind.GitHubNotFound, 'gone').nonRetryable).toBe(true);
  });

  it('matches what ApplicationFailure.retryable and nonRetryable build', () => {
    const fields = (f: ApplicationFailure) => ({ message: f.message, type: f.type, nonRetryable: f.nonRetryable, details: f.details, nextRetryDelay: f.nextRetryDelay });
    expect(fields(failure(FailureKind.SmtpUnavailable, 'm'))).toEqual(fields(ApplicationFailure.retryable('m', 'SmtpUnavailable')));
    expect(fields(failure(FailureKind.SmtpRejected, 'm'))).toEqual(fields(ApplicationFailure.nonRetryable('m', 'SmtpRejected')));
  });

  it('carries the retry delay, details and cause', () => {
    const cause = new Error('socket hang up');
    const f = failure(FailureKind.SlackUnavailable, 'rate limited', { nextRetryDelay: 30_000, details: [{ retryAfter: 30 }], cause });
    expect(f).toMatchObject({ nonRetryable: false, nextRetryDelay: 30_000, details: [{ retryAfter: 30 }] });
    expect(f.cause).toBe(cause);
  });
});

describe('isFailureKind', () => {
  it('recognises an ApplicationFailure of the kind, and no other', () => {
    const f = failure(FailureKind.AwsNotFound, 'no such user');
    expect(isFailureKind(f, FailureKind.AwsNotFound)).toBe(true);
    expect(isFailureKind(f, FailureKind.AwsAccessDenied)).toBe(false);
    expect(isFailureKind(ApplicationFailure.nonRetryable('x', 'AwsNotFound'), FailureKind.AwsNotFound)).toBe(true);
  });

  it('looks through the ActivityFailure (and ChildWorkflowFailure) a workflow catches', () => {
    const inner = failure(FailureKind.SlackRequestRejected, 'channel_not_found');
    const caught = fromActivity(inner);
    expect(isFailureKind(caught, FailureKind.SlackRequestRejected)).toBe(true);
    expect(isFailureKind(caught, FailureKind.SlackUnavailable)).toBe(false);
    expect(applicationFailureOf(caught)).toBe(inner);
    const child = new ChildWorkflowFailure('default', { workflowId: 'w', runId: 'r' }, 'offboardingWorkflow', RetryState.NON_RETRYABLE_FAILURE, caught);
    expect(isFailureKind(child, FailureKind.SlackRequestRejected)).toBe(true);
  });

  it('stops at the first ApplicationFailure: a cause it wraps is not its kind', () => {
    const outer = failure(FailureKind.InvalidReviewInput, 'bad cursor', { cause: failure(FailureKind.GitHubNotFound, 'gone') });
    expect(isFailureKind(outer, FailureKind.GitHubNotFound)).toBe(false);
  });

  it('is false for anything that is not a Temporal failure', () => {
    const plain = Object.assign(new Error('x'), { type: 'AwsNotFound' });
    expect(isFailureKind(plain, FailureKind.AwsNotFound)).toBe(false);
    expect(isFailureKind({ type: 'AwsNotFound' }, FailureKind.AwsNotFound)).toBe(false);
    expect(isFailureKind(undefined, FailureKind.AwsNotFound)).toBe(false);
    expect(isFailureKind(new Error('x', { cause: failure(FailureKind.AwsNotFound, 'x') }), FailureKind.AwsNotFound)).toBe(false);
  });
});
