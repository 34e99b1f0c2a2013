import { SEVERITIES, type Trigger } from '../../engine/playbook-types.js';
import type { LoadedPlaybook } from '../../playbook/load.js';
import type { Alert } from '../../contracts/incident.js';

export const FALLBACK_PLAYBOOK = 'triage';
const rank = (s: string): number => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);

/** 2 for an exact type, 1 for a `prefix.*` pattern, 0 for no match. */
function typeMatch(pattern: string, type: string): number {
  if (pattern === type) return 2;
  if (pattern.endsWith('*') && type.startsWith(pattern.slice(0, -1))) return 1;
  return 0;
}

function triggerScore(trigger: Trigger, alert: Alert): number[] | undefined {
  const typeScore = Math.max(0, ...trigger.types.map((t) => typeMatch(t, alert.type)));
  if (typeScore === 0 || rank(alert.severity) < rank(trigger.minSeverity)) return undefined;
  const labels = Object.entries(trigger.labels);
  if (!labels.every(([k, v]) => alert.labels?.[k] === v)) return undefined;
  return [typeScore, labels.length, rank(trigger.minSeverity)];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/**
 * The playbook for an alert: among playbooks with a matching trigger, the most specific match
 * (exact type over a pattern, more label matchers, a higher minimum severity), then the higher
 * playbook severity, then the id. No match: the triage playbook, so nothing is dropped.
 */
export function choosePlaybook(playbooks: readonly LoadedPlaybook[], alert: Alert): LoadedPlaybook {
  let best: { loaded: LoadedPlaybook; score: number[] } | undefined;
  for (const loaded of playbooks) {
    for (const trigger of loaded.playbook.triggers) {
      const s = triggerScore(trigger, alert);
      if (!s) continue;
      const score = [...s, rank(loaded.playbook.severity)];
      const c = best ? compare(score, best.score) : 1;
      if (c > 0 || (c === 0 && best && loaded.playbook.id < best.loaded.playbook.id)) best = { loaded, score };
    }
  }
  if (best) return best.loaded;
  const fallback = playbooks.find((p) => p.playbook.id === FALLBACK_PLAYBOOK);
  if (!fallback) throw new Error(`no playbook matches and the fallback playbook "${FALLBACK_PLAYBOOK}" is not loaded`);
  return fallback;
}
