import { SEVERITIES, type Severity, type Trigger } from '../../engine/playbook-types.js';
import type { LoadedPlaybook } from '../../playbook/load.js';
import type { Alert } from '../../contracts/incident.js';
import { TRIAGE_PLAYBOOK } from '../../contracts/incident-triage.js';

export const FALLBACK_PLAYBOOK = TRIAGE_PLAYBOOK;
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
 * Documented family rules, applied when no playbook's own trigger matches: an alert labelled
 * `warden_category` (the GuardDuty adapter sets it from the finding type, see
 * adapters/guardduty-families.ts) goes to the playbook that handles its family, if that playbook
 * is loaded and the alert's severity reaches the rule's minimum (its own: a Low
 * `Stealth:IAMUser/CloudTrailLoggingDisabled` still matters, a Low root-credential use does not).
 */
export const FAMILY_RULES: Readonly<Record<string, { readonly playbook: string; readonly minSeverity: Severity; readonly handles: string }>> = {
  credential_exfiltration: { playbook: 'leaked-credential', minSeverity: 'low', handles: 'exfiltrated instance credentials: disable the key, contain the principal' },
  credential_misuse: { playbook: 'leaked-credential', minSeverity: 'medium', handles: "misuse of an IAM user's or role's credentials: disable the key, contain the principal" },
  logging_weakened: {
    playbook: 'leaked-credential',
    minSeverity: 'low',
    handles: 'logging weakened by a principal: AWS treats it as potentially compromised credentials of that principal',
  },
  s3_exfiltration: { playbook: 'insider-exfiltration', minSeverity: 'medium', handles: 'anomalous access to S3 data: cut the principal off, keep the evidence' },
  s3_tampering: { playbook: 'data-poisoning', minSeverity: 'medium', handles: 'anomalous writes or deletes in S3: treat the data as possibly poisoned' },
};

export interface Routing {
  readonly loaded: LoadedPlaybook;
  /** Why this playbook, in words shown on the incident. */
  readonly reason: string;
}

function familyRoute(playbooks: readonly LoadedPlaybook[], alert: Alert): Routing | string | undefined {
  const category = alert.labels?.warden_category;
  const rule = category !== undefined && Object.hasOwn(FAMILY_RULES, category) ? FAMILY_RULES[category] : undefined;
  if (!rule) return undefined;
  const finding = alert.labels?.finding_type ? ` (${alert.labels.finding_type})` : '';
  const loaded = playbooks.find((p) => p.playbook.id === rule.playbook);
  if (!loaded) return `family ${category}${finding} is handled by playbook "${rule.playbook}", which is not loaded`;
  const min = rule.minSeverity;
  if (rank(alert.severity) < rank(min)) return `family ${category}${finding} goes to "${rule.playbook}" from severity ${min}; this alert is ${alert.severity}`;
  return { loaded, reason: `family rule: ${category}${finding} → ${rule.playbook} (${rule.handles})` };
}

const describeTrigger = (t: Trigger): string => {
  const labels = Object.entries(t.labels).map(([k, v]) => `${k}=${v}`);
  return `types [${t.types.join(', ')}]${labels.length ? `, labels ${labels.join(', ')}` : ''}, severity ≥ ${t.minSeverity}`;
};

/**
 * The playbook for an alert, and why: among playbooks with a matching trigger, the most
 * specific match (exact type over a pattern, more label matchers, a higher minimum severity),
 * then the higher playbook severity, then the id; else a documented family rule (FAMILY_RULES);
 * else the triage playbook, so nothing is dropped.
 */
export function routeAlert(playbooks: readonly LoadedPlaybook[], alert: Alert): Routing {
  let best: { loaded: LoadedPlaybook; trigger: Trigger; score: number[] } | undefined;
  for (const loaded of playbooks) {
    for (const trigger of loaded.playbook.triggers) {
      const s = triggerScore(trigger, alert);
      if (!s) continue;
      const score = [...s, rank(loaded.playbook.severity)];
      const c = best ? compare(score, best.score) : 1;
      if (c > 0 || (c === 0 && best && loaded.playbook.id < best.loaded.playbook.id)) best = { loaded, trigger, score };
    }
  }
  if (best) return { loaded: best.loaded, reason: `trigger of playbook "${best.loaded.playbook.id}" matched: ${describeTrigger(best.trigger)}` };
  const family = familyRoute(playbooks, alert);
  if (family && typeof family !== 'string') return family;
  const fallback = playbooks.find((p) => p.playbook.id === FALLBACK_PLAYBOOK);
  if (!fallback) throw new Error(`no playbook matches and the fallback playbook "${FALLBACK_PLAYBOOK}" is not loaded`);
  return { loaded: fallback, reason: `no playbook's trigger matched type ${alert.type}${family ? `; ${family}` : ''}: triage by a person` };
}

/** The playbook for an alert (see routeAlert). */
export function choosePlaybook(playbooks: readonly LoadedPlaybook[], alert: Alert): LoadedPlaybook {
  return routeAlert(playbooks, alert).loaded;
}
