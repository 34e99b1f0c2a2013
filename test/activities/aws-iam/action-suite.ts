import type { IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAction } from '../../../catalog/index.js';
import type { ObservedState } from '../../../contracts/incident.js';
import { motoClient, motoSeedRandom } from '../../peers/moto.js';
import { failureOf, renderUndo, runAction, snapshot, startIamWorld, type IamWorld, type UserSnapshot } from './harness.js';

const SEED = 4242;

/** One catalog action, with the world it needs and the effect it must have at moto. */
export interface ActionCase {
  readonly action: string;
  /** The behaviour, as a user relies on it. */
  readonly promise: string;
  /** Creates what the action works on (moto's ids are seeded, so it creates the same ids every time) and returns its parameters. */
  readonly arrange: (admin: IAMClient) => Promise<{ userName: string; params: Record<string, unknown> }>;
  /** Asserts the effect, from what moto holds before and after, and the outcome's output. */
  readonly effect: (before: UserSnapshot, after: UserSnapshot, output: Readonly<Record<string, unknown>>) => void;
  /** What the action must report it read at moto before and after, given moto's state read by the test. */
  readonly observed?: (before: UserSnapshot, after: UserSnapshot) => ObservedState;
}

/**
 * For every case, against one moto: dry run changes nothing and plans what the real run does;
 * the real run has its effect; a second run reports `already` and leaves the same state; the
 * catalog undo (if any) restores the state before; and with moto down the call fails with a
 * retryable AwsUnavailable, then succeeds once moto is back (restarted and seeded again).
 * `more` adds tests of the file's own that share the same moto.
 */
export function describeActionCases(title: string, cases: readonly ActionCase[], more?: (world: () => IamWorld) => void): void {
  describe(title, () => {
    let world: IamWorld;
    beforeAll(async () => {
      world = await startIamWorld();
    });
    afterAll(async () => world.close());

    const arrange = async (c: ActionCase) => {
      await world.moto.reset();
      await world.moto.seedRandom(SEED);
      return c.arrange(world.admin);
    };

    for (const c of cases) {
      describe(c.action, () => {
        it(`dry run changes nothing at moto and plans exactly what the real run then does`, async () => {
          const { userName, params } = await arrange(c);
          const before = await snapshot(world.admin, userName);
          const planned = await runAction(world, c.action, params, true);
          expect(planned.status).toBe('planned');
          // A dry run reads the state before and shows no "after": it changed nothing.
          expect(planned.observed).toEqual({ before: expect.anything() as unknown });
          expect(await snapshot(world.admin, userName)).toEqual(before);
          const done = await runAction(world, c.action, params);
          expect(done.status).toBe('changed');
          expect(done.plan).toEqual(planned.plan);
        });

        it(`${c.promise}; run again, it reports already and changes nothing more`, async () => {
          const { userName, params } = await arrange(c);
          const before = await snapshot(world.admin, userName);
          const first = await runAction(world, c.action, params);
          const after = await snapshot(world.admin, userName);
          expect(first.status).toBe('changed');
          c.effect(before, after, first.output);
          if (c.observed) expect(first.observed).toEqual(c.observed(before, after));
          expect(first.observed?.after).not.toEqual(first.observed?.before);
          const second = await runAction(world, c.action, params);
          expect(second.status).toBe('already');
          // What the first run read back is what the second reads before; already so: before = after.
          expect(second.observed).toEqual({ before: first.observed?.after, after: first.observed?.after });
          expect(second.plan.join('\n')).toMatch(/already|not |no /);
          expect(await snapshot(world.admin, userName)).toEqual(after);
        });

        if (findAction(c.action)?.undo) {
          it(`its undo (${findAction(c.action)?.undo?.action}) restores the state recorded before`, async () => {
            const { userName, params } = await arrange(c);
            const before = await snapshot(world.admin, userName);
            const done = await runAction(world, c.action, params);
            expect(await snapshot(world.admin, userName)).not.toEqual(before);
            const undo = renderUndo(c.action, params, done.output);
            const undone = await runAction(world, undo.action, undo.params);
            expect(undone.status).toBe('changed');
            expect(await snapshot(world.admin, userName)).toEqual(before);
          });
        }

        it('fails with a retryable AwsUnavailable while moto is down, and succeeds once it is back', async () => {
          const { userName, params } = await arrange(c);
          const before = await snapshot(world.admin, userName);
          await world.moto.stop();
          const failure = await failureOf(runAction(world, c.action, params));
          expect(failure.type).toBe('AwsUnavailable');
          expect(failure.nonRetryable).toBe(false);
          await world.moto.restart(async (endpoint) => {
            const admin = motoClient(endpoint);
            await motoSeedRandom(endpoint, SEED);
            expect((await c.arrange(admin)).params).toEqual(params);
            admin.destroy();
          });
          const done = await runAction(world, c.action, params);
          expect(done.status).toBe('changed');
          c.effect(before, await snapshot(world.admin, userName), done.output);
        });
      });
    }

    more?.(() => world);
  });
}
