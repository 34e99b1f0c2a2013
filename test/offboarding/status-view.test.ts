import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OffboardingState } from '../../contracts/offboarding.js';
import { PROGRESS_COLUMNS, progressOf, tally, verdictOf } from '../../contracts/offboarding-view.js';
import { renderStatus } from '../../cli/commands/offboard.js';
import { suiteClient, uniqueTaskQueue, withWorker } from '../harness.js';
import { inputFor, offboardingDeps, seedDeparting, startOffboarding, startWorld, storedReport, type OffboardingWorld } from './fixture.js';

let w: OffboardingWorld;
let client: Client;
beforeAll(async () => {
  [w, client] = await Promise.all([startWorld(), suiteClient()]);
}, 180_000);
afterAll(async () => {
  await w?.close();
  await client?.connection.close();
});

/** The provider table's rows, parsed back from the rendered text: name → the counts in column order. */
function providerRows(text: string): Map<string, number[]> {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('PROVIDER'));
  const rows = new Map<string, number[]>();
  for (const line of lines.slice(start + 1)) {
    if (!line.trim()) break;
    const [name, , ...counts] = line.trim().split(/\s{2,}/);
    rows.set(name!, counts.map(Number));
  }
  return rows;
}

describe('the offboarding status of a dry run (warden offboard status)', () => {
  let state: OffboardingState;
  let text: string;

  beforeAll(async () => {
    const d = await seedDeparting(w);
    // Nothing to do at one item: the person's fine-grained token grants are already gone.
    w.gh.state.patGrants = w.gh.state.patGrants.filter((g) => g.owner !== d.person.githubLogin);
    // And an MLflow user on a worker where MLflow is not configured: a live run would fail there.
    const person = { ...d.person, mlflowUser: `${d.person.id}-ml` };
    const taskQueue = uniqueTaskQueue('offboard-view');
    state = await withWorker(offboardingDeps(w.deps), { taskQueue }, async () => (await startOffboarding(client, taskQueue, inputFor({ ...d, person }, { dryRun: true }))).result());
    text = renderStatus(state);
  }, 120_000);

  it('never prints undefined, and a dry run’s retention timer says what it would wait for', () => {
    expect(text).not.toContain('undefined');
    expect(state.phase).toBe('done');
    expect(text).toMatch(/retention\s+would wait until \S+ \(\d+ days\), then delete the IAM users/);
    expect(text).not.toMatch(/retention\s+(planned|finished)/);
    const md = storedReport(w.peers.evidenceDir, state).markdown;
    expect(md).toMatch(/IAM user retention \| would wait 30 days after the report, then delete the IAM users \|/);
  });

  it('an item with nothing to do reads "nothing to do", never planned', () => {
    const grants = state.items.find((i) => i.action === 'github.revokePatGrants')!;
    expect(grants).toMatchObject({ status: 'planned', outcome: 'already' });
    expect(verdictOf(grants)).toBe('nothing-to-do');
    expect(text.split('\n').find((l) => l.startsWith(grants.id))).toMatch(/\snothing to do\s/);
    const mlflow = state.items.find((i) => i.provider === 'mlflow')!;
    expect(verdictOf(mlflow)).toBe('would-fail');
    expect(text.split('\n').find((l) => l.startsWith(mlflow.id))).toMatch(/would fail \(dry run\).*not configured/);
  });

  it('every count comes from the items: the provider rows add up to the total row, the total to the items, the timeline and the report to the same', () => {
    const rows = providerRows(text);
    const total = rows.get('total')!;
    const providers = [...rows].filter(([name]) => name !== 'total').map(([, counts]) => counts);
    expect(PROGRESS_COLUMNS.map((_, col) => providers.reduce((sum, r) => sum + r[col]!, 0))).toEqual(total);
    const counted = state.items.filter((i) => verdictOf(i) !== 'read');
    expect(total.reduce((a, b) => a + b, 0)).toBe(counted.length);
    expect(total[PROGRESS_COLUMNS.findIndex(([k]) => k === 'nothingToDo')]).toBeGreaterThan(0);
    expect(total[PROGRESS_COLUMNS.findIndex(([k]) => k === 'planned')]).toBe(counted.filter((i) => ['would-revoke', 'would-ask'].includes(verdictOf(i))).length);
    // The timeline's two tallies (revocation, then retention) say the same numbers as the table.
    const events = state.timeline.map((e) => e.event);
    expect(events).toContain(`revocation finished: ${tally(state.items.filter((i) => i.stage === 'revoke'))}`);
    expect(events.find((e) => e.startsWith('retention: '))).toMatch(new RegExp(`: ${tally(state.items.filter((i) => i.action === 'aws.deleteUser'))}$`));
    expect(progressOf(state.items)).toMatchObject(Object.fromEntries(PROGRESS_COLUMNS.map(([key], col) => [key, total[col]])));
    // The report (written when revocation finished) counts the revocation items the same way.
    const md = storedReport(w.peers.evidenceDir, state).markdown;
    for (const name of rows.keys()) {
      if (name === 'total') continue;
      const p = progressOf(state.items.filter((i) => i.provider === name && i.stage === 'revoke'));
      expect(md).toContain(`| ${name} | ${p.status} | ${p.total} | ${PROGRESS_COLUMNS.map(([key]) => p[key]).join(' | ')} |`);
    }
  });
});
