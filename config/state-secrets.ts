import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors.js';

/**
 * The shared secrets Warden holds, one job each: none falls back to another, so a credential
 * leaked from one sender opens only that sender's route. Each comes from its variable, else from
 * its file in the state dir, generated (mode 0600) on first start.
 */
export const STATE_SECRETS = {
  webhook: { variable: 'WARDEN_WEBHOOK_SECRET', file: 'webhook-secret', minLength: 16, job: 'signs POST /v1/alerts (Warden HMAC)' },
  github: { variable: 'GITHUB_WEBHOOK_SECRET', file: 'github-webhook-secret', minLength: 8, job: 'signs POST /v1/alerts/github-secret-scanning (X-Hub-Signature-256)' },
  alertmanager: { variable: 'WARDEN_ALERTMANAGER_TOKEN', file: 'alertmanager-token', minLength: 16, job: 'bearer of POST /v1/alerts/alertmanager' },
  guardduty: { variable: 'WARDEN_GUARDDUTY_TOKEN', file: 'guardduty-token', minLength: 16, job: 'bearer of POST /v1/alerts/guardduty' },
  mlflow: { variable: 'MLFLOW_WEBHOOK_SECRET', file: 'mlflow-webhook-secret', minLength: 16, job: 'signs POST /v1/alerts/mlflow (the MLflow webhook secret, X-MLflow-Signature)' },
  codec: { variable: 'WARDEN_CODEC_TOKEN', file: 'codec-token', minLength: 16, job: 'bearer of /codec/encode and /codec/decode (temporal --codec-auth)' },
  session: { variable: 'WARDEN_SESSION_SECRET', file: 'session-secret', minLength: 32, job: 'seals console sessions and logins in progress (give every server behind one address the same)' },
} as const;

export type SecretName = keyof typeof STATE_SECRETS;
/** The alert senders, each with its own credential. */
export type AlertSender = 'webhook' | 'github' | 'alertmanager' | 'guardduty' | 'mlflow';
export const ALERT_SENDERS: readonly AlertSender[] = ['webhook', 'github', 'alertmanager', 'guardduty', 'mlflow'];

/** Values given in the environment; the others are read from (or generated into) the state dir. */
export type GivenSecrets = { readonly [K in SecretName]?: string };

export const secretFile = (stateDir: string, name: SecretName): string => join(stateDir, STATE_SECRETS[name].file);

/** The secret from its variable or its file, without generating one; undefined when neither exists. */
export function readStateSecret(stateDir: string, given: GivenSecrets, name: SecretName): string | undefined {
  if (given[name]) return given[name];
  const file = secretFile(stateDir, name);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

/**
 * Each named secret, generating the missing ones into the state dir (0600, directory 0700) with a
 * notice saying where. Refuses a file shorter than the minimum, and two names with the same value:
 * one leaked value must never open two doors.
 */
export function resolveStateSecrets<N extends SecretName>(stateDir: string, given: GivenSecrets, names: readonly N[], notices: string[]): Record<N, string> {
  const out = {} as Record<N, string>;
  for (const name of names) {
    const spec = STATE_SECRETS[name];
    const file = secretFile(stateDir, name);
    if (!given[name] && !existsSync(file)) {
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
      notices.push(`generated ${spec.variable} into ${file} (mode 0600): ${spec.job}`);
    }
    const value = readStateSecret(stateDir, given, name) ?? '';
    if (value.length < spec.minLength) {
      throw new ConfigError([`${file}: ${spec.variable} is shorter than ${spec.minLength} characters; delete the file to generate a new one, or set ${spec.variable}`]);
    }
    out[name] = value;
  }
  const seen = new Map<string, N>();
  for (const name of names) {
    const other = seen.get(out[name]);
    if (other)
      throw new ConfigError([
        `${STATE_SECRETS[name].variable}: has the same value as ${STATE_SECRETS[other].variable}; each credential must be distinct, so that one leaked value opens one route only`,
      ]);
    seen.set(out[name], name);
  }
  return out;
}
