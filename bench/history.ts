/**
 * The activity calls a workflow made, decoded from its history (ActivityTaskScheduled events:
 * type, arguments through the run's data converter, options), grouped by the workflow task that
 * scheduled them. P1 and P5 replay them in the baseline and check the replay made the same calls.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import { decodeArrayFromPayloads, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/index.js';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { RecordedCall } from './baseline-workflows.js';

type Duration = { seconds?: unknown; nanos?: number | null } | null | undefined;
type Event = temporal.api.history.v1.IHistoryEvent;

const ms = (d: Duration): number | undefined => {
  if (!d) return undefined;
  const total = Number(d.seconds ?? 0) * 1000 + (d.nanos ?? 0) / 1e6;
  return total > 0 ? total : undefined;
};

function retryOf(r: temporal.api.common.v1.IRetryPolicy | null | undefined): RetryPolicy | undefined {
  if (!r) return undefined;
  return {
    ...(ms(r.initialInterval) !== undefined ? { initialInterval: ms(r.initialInterval) } : {}),
    ...(ms(r.maximumInterval) !== undefined ? { maximumInterval: ms(r.maximumInterval) } : {}),
    ...(r.backoffCoefficient ? { backoffCoefficient: r.backoffCoefficient } : {}),
    ...(r.maximumAttempts ? { maximumAttempts: r.maximumAttempts } : {}),
    ...(r.nonRetryableErrorTypes?.length ? { nonRetryableErrorTypes: [...r.nonRetryableErrorTypes] } : {}),
  };
}

/** The history's events, as the server keeps them. */
export async function historyOf(client: Client, workflowId: string): Promise<Event[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history.events ?? [];
}

/** Every ActivityTaskScheduled of the history, decoded, grouped by the workflow task that scheduled it. */
export async function recordedCalls(client: Client, events: Event[]): Promise<RecordedCall[][]> {
  const converter = loadDataConverter(client.options.dataConverter);
  const groups = new Map<string, RecordedCall[]>();
  for (const e of events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (!a) continue;
    const options: ActivityOptions = {
      ...(a.taskQueue?.name ? { taskQueue: a.taskQueue.name } : {}),
      ...(ms(a.scheduleToCloseTimeout) !== undefined ? { scheduleToCloseTimeout: ms(a.scheduleToCloseTimeout) } : {}),
      ...(ms(a.scheduleToStartTimeout) !== undefined ? { scheduleToStartTimeout: ms(a.scheduleToStartTimeout) } : {}),
      ...(ms(a.startToCloseTimeout) !== undefined ? { startToCloseTimeout: ms(a.startToCloseTimeout) } : {}),
      ...(ms(a.heartbeatTimeout) !== undefined ? { heartbeatTimeout: ms(a.heartbeatTimeout) } : {}),
      ...(retryOf(a.retryPolicy) ? { retry: retryOf(a.retryPolicy) } : {}),
    };
    const call: RecordedCall = { activityType: a.activityType?.name ?? '', args: await decodeArrayFromPayloads(converter, a.input?.payloads), options };
    const key = String(a.workflowTaskCompletedEventId);
    groups.set(key, [...(groups.get(key) ?? []), call]);
  }
  return [...groups.values()];
}

/**
 * Replaces every occurrence of each key by its value, in the calls' text (fresh ids for a new
 * round), also where a text cut the id short ("Incident bench-59d4..." in a shortened message).
 */
export function substitute<T>(value: T, map: Readonly<Record<string, string>>): T {
  let text = JSON.stringify(value);
  for (const [from, to] of Object.entries(map)) {
    for (let k = from.length - 1; k >= 8; k--) text = text.split(`${from.slice(0, k)}...`).join(`${to.slice(0, k)}...`);
    text = text.split(from).join(to);
  }
  return JSON.parse(text) as T;
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;
/** A SHA-256 in hex: of an evidence file, whose text holds times, so it differs from run to run. */
const SHA256 = /\b[0-9a-f]{64}\b/g;
/** A Slack message's ts, which the peer hands out. */
const SLACK_TS = /\b\d{10}\.\d{6}\b/g;

/**
 * The calls as text with each round's ids (keys of `ids`) named by their role, every ISO time and
 * every SHA-256 masked: two runs made the same calls when these texts are equal.
 */
export function normalized(calls: RecordedCall[][], ids: Readonly<Record<string, string>>): string {
  const text = JSON.stringify(calls);
  // An id cut short in a text ("Incident bench-59d4..." in a shortened message) is the same id.
  const cut = Object.fromEntries(Object.entries(ids).flatMap(([id, role]) => Array.from({ length: id.length - 8 }, (_, k) => [`${id.slice(0, id.length - 1 - k)}...`, `${role}...`])));
  return substitute(substitute(text, cut), ids).replace(ISO, '<time>').replace(SHA256, '<sha256>').replace(SLACK_TS, '<slack-ts>');
}

/** Where two normalized texts first differ, with some context, or undefined when equal. */
export function firstDifference(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at character ${i}: …${a.slice(Math.max(0, i - 60), i + 60)}… vs …${b.slice(Math.max(0, i - 60), i + 60)}…`;
}

/** Milliseconds between two events' server timestamps. */
export const eventMs = (e: Event | undefined): number => (e?.eventTime ? Number(e.eventTime.seconds ?? 0) * 1000 + (e.eventTime.nanos ?? 0) / 1e6 : NaN);
