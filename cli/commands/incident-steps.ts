/** One step of an incident as `warden incidents show` prints it: state, when, who, before → after, and why not. */
import type { ApprovalRecord, ObservedState, StepState, StepStatus } from '../../contracts/incident.js';
import { between, formatDuration, shortTime, summarize } from './format.js';

const MARKS: Record<StepStatus, string> = {
  pending: '·',
  skipped: '-',
  'awaiting-approval': '?',
  running: '>',
  applied: '✓',
  already_so: '=',
  planned: '~',
  not_applied: '✗',
  denied: '✗',
  done_by_hand: '✋',
  failed: '!',
  cancelled: 'x',
  succeeded: '✓',
  rejected: '✗',
};

function approvalLines(a: ApprovalRecord, nowMs: number): string[] {
  const left = Date.parse(a.deadline) - nowMs;
  const lines = [
    `approval: groups ${a.groups.join(', ')}; quorum ${a.quorum}${a.fourEyes ? '; four-eyes' : ''}; requested by ${a.requester} at ${shortTime(a.requestedAt)}`,
    `  deadline ${shortTime(a.deadline)}${!a.outcome && left > 0 ? ` (in ${formatDuration(left)})` : ''}${a.escalationLevel > 0 ? `; escalated ${a.escalationLevel}x` : ''}`,
  ];
  if (a.planDigest) lines.push(`  plan ${a.planDigest} (votes count for this exact plan only)`);
  for (const v of a.votes) lines.push(`  ${v.approver} ${v.decision} via ${v.via} at ${shortTime(v.at)}${v.reason ? `: ${v.reason}` : ''}`);
  if (a.outcome) lines.push(`  outcome: ${a.outcome}${a.decidedAt ? ` at ${shortTime(a.decidedAt)}` : ''}`);
  else {
    const approvals = a.votes.filter((v) => v.decision === 'approve').length;
    lines.push(`  outcome: pending, ${approvals} of ${a.quorum} approval(s)`);
  }
  return lines;
}

/** A value as people read it: strings as they are, absent as "none", the rest as compact JSON. */
const show = (v: unknown): string => (v === null || v === undefined ? 'none' : typeof v === 'string' ? v : summarize(v, 120));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the action read at the peer: the fields that changed, before → after; or that nothing did. */
export function observedLines(o: ObservedState): string[] {
  if (o.after === undefined) return [`before: ${show(o.before)} (read at the peer; a dry run changes nothing)`];
  const { before, after } = o;
  if (!isRecord(before) || !isRecord(after)) {
    return [
      before === after || JSON.stringify(before) === JSON.stringify(after)
        ? `before = after: ${show(before)} (read at the peer)`
        : `before → after (read at the peer): ${show(before)} → ${show(after)}`,
    ];
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (changed.length === 0) return [`before = after: ${show(before)} (read at the peer)`];
  return ['before → after (read at the peer):', ...changed.map((k) => `  ${k}: ${show(before[k])} → ${show(after[k])}`)];
}

/** The step's output besides the before and after already shown. */
function otherOutput(s: StepState): string | undefined {
  if (s.output === undefined) return undefined;
  if (!s.observed || !isRecord(s.output)) return summarize(s.output);
  const rest = Object.fromEntries(Object.entries(s.output).filter(([k]) => k !== 'before' && k !== 'after'));
  return Object.keys(rest).length ? summarize(rest) : undefined;
}

/** When the step ran: started → finished (how long), or when it ended without running (skipped, denied). */
function when(s: StepState): string | undefined {
  if (s.startedAt) return `${shortTime(s.startedAt)}${s.finishedAt ? ` → ${shortTime(s.finishedAt)} (${formatDuration(between(s.startedAt, s.finishedAt) ?? NaN)})` : ' (running)'}`;
  return s.finishedAt ? `ended ${shortTime(s.finishedAt)}` : undefined;
}

/** A step's heading and its lines: when, the plan, before → after, why not, who, the approval, the undo. */
export function stepLines(s: StepState, nowMs: number): string[] {
  const head = `  ${MARKS[s.status] ?? ' '} ${s.id}  ${s.title} [${s.action}]  ${s.status}${s.outcome && s.outcome !== s.status ? ` (${s.outcome})` : ''}`;
  const body: string[] = [];
  const time = when(s);
  if (time) body.push(`time: ${time}`);
  for (const p of s.plan ?? []) body.push(`plan: ${p}`);
  if (s.observed) body.push(...observedLines(s.observed));
  const output = otherOutput(s);
  if (output) body.push(`output: ${output}`);
  if (s.notApplied) body.push(`not applied: ${s.notApplied.message} (${s.notApplied.reason})`);
  if (s.resolution) body.push(`${s.resolution.action === 'skip' ? 'skipped' : 'done by hand'} by ${s.resolution.by} at ${shortTime(s.resolution.at)}: ${s.resolution.text}`);
  for (const r of s.retries ?? []) body.push(`retry requested by ${r.by} at ${shortTime(r.at)}`);
  if (s.error) body.push(`error: ${s.error.type ? `${s.error.type}: ` : ''}${s.error.message}`);
  if (s.approval) body.push(...approvalLines(s.approval, nowMs));
  if (s.undo) {
    body.push(`undo: ${s.undo.action} ${s.undo.status} at ${shortTime(s.undo.at)}`);
    if (s.undo.error) body.push(`  error: ${s.undo.error}`);
  }
  return [head, ...body.map((l) => `      ${l}`)];
}
