/**
 * The bench's hand-written baselines (workflow code, bundled with Warden's own workflows by
 * bench/workflows.ts). They use only @temporalio/workflow: no Warden machinery.
 */
import { condition, defineSignal, proxyActivities, setHandler, type ActivityOptions } from '@temporalio/workflow';

/** One activity call as an incident's history recorded it (bench/history.ts decodes it). */
export interface RecordedCall {
  readonly activityType: string;
  readonly args: unknown[];
  readonly options: ActivityOptions;
}

/**
 * Makes exactly the recorded calls: each group (the calls one workflow task scheduled together)
 * at once, the groups one after another; `sequential` runs every call on its own, in order.
 */
export async function replayCallsWorkflow(input: { groups: RecordedCall[][]; sequential?: boolean }): Promise<number> {
  let n = 0;
  const call = (c: RecordedCall): Promise<unknown> => {
    n++;
    const acts = proxyActivities<Record<string, (...a: unknown[]) => Promise<unknown>>>(c.options);
    return acts[c.activityType]!(...c.args);
  };
  for (const group of input.groups) {
    if (input.sequential) for (const c of group) await call(c);
    else await Promise.all(group.map(call));
  }
  return n;
}

const { benchMark } = proxyActivities<{ benchMark(key: string): Promise<void> }>({ startToCloseTimeout: '1m' });

export const benchAlertSignal = defineSignal<[unknown]>('bench.alert');
export const benchStopSignal = defineSignal('bench.stop');

/** P2's baseline: started by signalWithStart, its first (and only) activity marks the time. */
export async function firstActivityWorkflow(key: string): Promise<void> {
  setHandler(benchAlertSignal, () => undefined);
  await benchMark(key);
}

/** P3's baseline: keeps every signalled alert, as an incident keeps its alerts' count. */
export async function alertSinkWorkflow(): Promise<number> {
  let count = 0;
  let stop = false;
  setHandler(benchAlertSignal, () => void count++);
  setHandler(benchStopSignal, () => void (stop = true));
  await condition(() => stop);
  return count;
}
