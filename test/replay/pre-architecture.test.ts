import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { wardenDataConverter } from '../../codec/data-converter.js';
import { parseKeysVariable } from '../../codec/keyring.js';
import { suiteValue } from '../helpers/suite-env.js';

interface SavedHistories {
  readonly about: string;
  /** The throwaway key of the run that wrote them. */
  readonly keys: string;
  readonly histories: readonly {
    readonly workflowId: string;
    readonly workflowType: string;
    /** temporal.api.history.v1.History, binary, base64. */
    readonly history: string;
  }[];
}

/**
 * Histories written by the code before it moved into contracts/ and feature folders (commit
 * 1ccdf62): incidents (approvals, escalation, cancel with and without rollback, continue-as-new),
 * offboardings, review campaigns with their shards and reviewers, and smoke workflows. The
 * current code must replay every one of them unchanged.
 */
describe('replay of histories from before the move into feature folders', () => {
  it('replays every saved history with no nondeterminism error', async () => {
    const saved = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'pre-architecture-histories.json'), 'utf8')) as SavedHistories;
    const types = new Set(saved.histories.map((h) => h.workflowType));
    for (const type of ['incidentWorkflow', 'offboardingWorkflow', 'reviewCampaignWorkflow', 'reviewerWorkflow', 'smokeWorkflow']) {
      expect(types, `no ${type} in the fixture`).toContain(type);
    }
    const histories = saved.histories.map((h) => ({ workflowId: h.workflowId, history: temporal.api.history.v1.History.decode(Buffer.from(h.history, 'base64')) }));

    const options = { workflowBundle: { code: readFileSync(suiteValue('bundle'), 'utf8') }, dataConverter: wardenDataConverter(parseKeysVariable(saved.keys)) };
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(options, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(saved.histories.length);
  });
});
