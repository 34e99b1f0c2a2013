import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { wardenDataConverter } from '../../codec/data-converter.js';
import { parseKeysVariable } from '../../codec/keyring.js';
import { suiteValue } from '../helpers/suite-env.js';

interface SavedHistory {
  readonly workflowId: string;
  /** The throwaway key of the run that wrote it. */
  readonly keys: string;
  /** temporal.api.history.v1.History, binary, base64. */
  readonly history: string;
}

/**
 * An offboarding written before MLflow permissions were revoked by an action and the manager got
 * a Slack direct message: its MLflow item was manual (escalated, then waived). The current code
 * must replay it unchanged (patches offboarding-mlflow-revoke and offboarding-manager-dm).
 */
describe('replay of an offboarding from before the MLflow revocation', () => {
  it('replays with no nondeterminism error', async () => {
    const saved = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'offboarding-before-mlflow-revoke.json'), 'utf8')) as SavedHistory;
    const history = temporal.api.history.v1.History.decode(Buffer.from(saved.history, 'base64'));
    expect(history.events.length).toBeGreaterThan(10);
    const options = { workflowBundle: { code: readFileSync(suiteValue('bundle'), 'utf8') }, dataConverter: wardenDataConverter(parseKeysVariable(saved.keys)) };
    await Worker.runReplayHistory(options, history, saved.workflowId);
  });
});
