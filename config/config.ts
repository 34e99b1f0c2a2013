import { resolve, join } from 'node:path';
import { z } from 'zod';
import { evidenceS3From, evidenceStoreEnv, reviewS3From, type EvidenceS3Config, type ReviewS3Config } from './evidence-store.js';
import type { SlackAppSettings } from './slack.js';
import type { OidcSettings } from './oidc.js';
import type { FileConfig } from './file-config.js';
import { ConfigError } from './errors.js';
import { awsEndpoints, awsEnabled, githubConfigProblems, smtpFrom } from './env-providers.js';
import { STATE_SECRETS, type GivenSecrets } from './state-secrets.js';

/**
 * Everything Warden is configured with: the environment and warden.yaml, loaded and validated
 * once at the edge (CLI command, worker, server: loadWardenConfig in config/load.ts) and passed down.
 */
export interface WardenConfig extends EnvConfig {
  /** warden.yaml (WARDEN_CONFIG, default ./warden.yaml): identities, people, offboarding, AWS accounts, Slack, reviews. */
  readonly file: FileConfig;
  /** The file it came from; absent when the default ./warden.yaml does not exist. */
  readonly filePath?: string;
  /** The hex SHA-256 of that file's bytes as loaded (which version of it is in effect). */
  readonly fileSha256?: string;
  /** The Slack app (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_APP_TOKEN); absent when it is off. */
  readonly slackApp?: SlackAppSettings;
  readonly oidc?: OidcSettings; // the console's OIDC login (config/oidc.ts); absent: login link and API tokens only
}

/** What the environment says. */
export interface EnvConfig {
  /** Local state: the embedded server's database, the generated key file and webhook secret. */
  readonly stateDir: string;
  readonly http: { readonly host: string; readonly port: number };
  readonly temporal: EmbeddedTemporal | ExternalTemporal;
  readonly encryption: { readonly keysVariable?: string; readonly keyFile: string; readonly keyFileIsDefault: boolean };
  readonly codecEndpoint: { readonly corsOrigins: readonly string[]; readonly ratePerMinute: number };
  /** Provider settings; an absent one means that provider is not configured. */
  readonly providers: ProviderConfig;
  readonly intake: IntakeConfig;
  /** The Ed25519 key that signs approval decisions: WARDEN_DECISION_SIGNING_KEY, else the file generated in the state dir. */
  readonly decisionSigning: { readonly key?: string; readonly keyFile: string };
  /** WARDEN_WORKER_METRICS_ADDRESS: where a worker serves its Prometheus metrics (the SDK's and Warden's step metrics); absent: not served. */
  readonly workerMetricsAddress?: string;
  /** WARDEN_LOG_LEVEL: at `info` (the default) libraries' info lines (Temporal's bundler, worker states) are hidden; `debug` shows them. */
  readonly logLevel: 'debug' | 'info' | 'warn';
  /** WARDEN_LOG_FORMAT: `text` (the default, one `warden: …` line each) or `json` (pino: one JSON object a line, and a line per HTTP request with its request id). */
  readonly logFormat: 'text' | 'json';
  /** The audit trail (WARDEN_AUDIT, default local): JSON-lines batches in `dir`, sealed with the Ed25519 key in `keyFile` (generated 0600). */
  readonly audit: { readonly store: 'local' | 's3' | 'off'; readonly dir: string; readonly keyFile: string; readonly s3?: AuditS3Config };
}

/** WARDEN_AUDIT=s3: the bucket (created with Object Lock on), the key prefix, and the COMPLIANCE retention in days. */
export interface AuditS3Config {
  readonly bucket: string;
  readonly prefix: string;
  readonly retentionDays: number;
  readonly region: string;
  /** WARDEN_AUDIT_S3_ENDPOINT: an S3-compatible endpoint (MinIO, moto), path-style addressing. Absent: AWS (or AWS_ENDPOINT_URL_S3). */
  readonly endpoint?: string;
}

export interface IntakeConfig {
  /** The alert senders' and the codec's credentials set in the environment; the others live in the state dir (config/state-secrets.ts). */
  readonly secrets: GivenSecrets;
  readonly playbooksDir: string;
  /** Alerts per minute per sender credential. */
  readonly ratePerMinute: number;
  /** Decisions, cancels, notes, offboarding and review requests per minute per API identity. */
  readonly apiRatePerMinute: number;
  /** Every incident is a dry run unless the alert says otherwise. */
  readonly dryRunDefault: boolean;
}

export interface ProviderConfig {
  readonly slack?: { readonly botToken: string; readonly apiUrl?: string };
  readonly smtp?: { readonly host: string; readonly port: number; readonly secure: boolean; readonly user?: string; readonly pass?: string; readonly from: string };
  /** The local evidence directory: the embedded default, used unless `evidenceS3` is set. */
  readonly evidenceDir: string;
  /** WARDEN_EVIDENCE_STORE=s3: evidence in this bucket, shared by every worker and the server. */
  readonly evidenceS3?: EvidenceS3Config;
  /** The review store in the evidence bucket (WARDEN_REVIEW_STORE, following WARDEN_EVIDENCE_STORE); absent: `<state dir>/reviews`. */
  readonly reviewS3?: ReviewS3Config;
  readonly httpAllowlist?: readonly string[];
  /** AWS through the default credential chain; the SDK itself reads AWS_ENDPOINT_URL_IAM / _STS / AWS_ENDPOINT_URL (kept here to show them). */
  readonly aws?: { readonly region: string; readonly endpoints: { readonly iam?: string; readonly sts?: string } };
  readonly mlflow?: { readonly trackingUri: string; readonly username?: string; readonly password?: string };
  readonly github?: {
    readonly org: string;
    readonly token?: string;
    readonly app?: { readonly appId: string; readonly privateKey: string; readonly installationId: string };
    readonly baseUrl?: string;
  };
  /** Sent-ledger for side effects that a peer cannot deduplicate (email). */
  readonly ledgerDir: string;
}

/** No TEMPORAL_ADDRESS: Warden starts `temporal server start-dev` itself. */
export interface EmbeddedTemporal {
  readonly mode: 'embedded';
  readonly ip: string;
  readonly port: number;
  readonly uiPort: number;
  readonly dbFile: string;
  readonly namespace: 'default';
  readonly address: string;
  readonly uiUrl: string;
}

/** TEMPORAL_ADDRESS (or TEMPORAL_PROFILE) set: a self-hosted cluster or Temporal Cloud, via envconfig. */
export interface ExternalTemporal {
  readonly mode: 'external';
  readonly uiUrl?: string;
}

export { ConfigError };
const port = z.coerce.number().int().min(1).max(65535);
const nonEmpty = z.string().trim().min(1);

const schema = z.object({
  WARDEN_STATE_DIR: nonEmpty.default('.warden'),
  WARDEN_HTTP_HOST: nonEmpty.default('127.0.0.1'),
  WARDEN_HTTP_PORT: port.default(8787),
  WARDEN_TEMPORAL_PORT: port.default(7233),
  WARDEN_TEMPORAL_UI_PORT: port.default(8233),
  WARDEN_TEMPORAL_UI_URL: z.url().optional(),
  WARDEN_ENCRYPTION_KEYS: nonEmpty.optional(),
  WARDEN_ENCRYPTION_KEY_FILE: nonEmpty.optional(),
  WARDEN_CODEC_CORS_ORIGINS: nonEmpty
    .refine((v) => v.split(',').every((o) => /^https?:\/\/[^/*\s]+$/.test(o.trim())), 'comma-separated origins like http://127.0.0.1:8233 (no path, no wildcard)')
    .optional(),
  WARDEN_CODEC_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WARDEN_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  WARDEN_DECISION_SIGNING_KEY: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (a 32-byte Ed25519 secret key)')
    .optional(),
  WARDEN_AWS: z.enum(['auto', 'on', 'off']).default('auto'),
  AWS_REGION: nonEmpty.optional(),
  MLFLOW_TRACKING_URI: z.url({ protocol: /^https?$/ }).optional(),
  MLFLOW_TRACKING_USERNAME: nonEmpty.optional(),
  MLFLOW_TRACKING_PASSWORD: nonEmpty.optional(),
  GITHUB_TOKEN: nonEmpty.optional(),
  GITHUB_APP_ID: nonEmpty.optional(),
  GITHUB_APP_PRIVATE_KEY: nonEmpty.optional(),
  GITHUB_APP_INSTALLATION_ID: nonEmpty.optional(),
  GITHUB_API_URL: z.url().optional(),
  WARDEN_GITHUB_ORG: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub organization login')
    .optional(),
  SLACK_BOT_TOKEN: nonEmpty.optional(),
  SLACK_API_URL: z.url().optional(),
  SMTP_URL: z
    .url()
    .refine((u) => /^smtps?:$/.test(new URL(u).protocol), 'must be smtp://[user:pass@]host:port or smtps://…')
    .optional(),
  WARDEN_MAIL_FROM: z.string().optional(),
  WARDEN_EVIDENCE_DIR: nonEmpty.optional(),
  ...evidenceStoreEnv,
  WARDEN_HTTP_ALLOWLIST: nonEmpty.optional(),
  WARDEN_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  GITHUB_WEBHOOK_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  WARDEN_ALERTMANAGER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WARDEN_GUARDDUTY_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  MLFLOW_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  WARDEN_PLAYBOOKS_DIR: nonEmpty.default('playbooks'),
  WARDEN_ALERT_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
  WARDEN_API_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(300),
  WARDEN_CODEC_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6000),
  WARDEN_AUDIT: z.enum(['local', 's3', 'off']).default('local'),
  WARDEN_AUDIT_S3_BUCKET: nonEmpty.optional(),
  WARDEN_AUDIT_S3_PREFIX: z.string().default('warden/audit/'),
  WARDEN_AUDIT_S3_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  WARDEN_AUDIT_S3_ENDPOINT: z.url().optional(),
  WARDEN_DRY_RUN: z.enum(['true', 'false', '1', '0']).default('false'),
  WARDEN_WORKER_METRICS_ADDRESS: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'host:port to serve the worker metrics on, e.g. 127.0.0.1:9464')
    .optional(),
  WARDEN_LOG_LEVEL: z.enum(['debug', 'info', 'warn']).default('info'),
  WARDEN_LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  TEMPORAL_ADDRESS: nonEmpty.optional(),
  TEMPORAL_PROFILE: nonEmpty.optional(),
});

/** Parses the environment into a typed config; every bad variable is named in one error. Called by loadWardenConfig only. */
export function parseEnvConfig(env: NodeJS.ProcessEnv, cwd: string): EnvConfig {
  // Empty strings count as unset, as a shell `VAR=` usually means.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.WARDEN_AUDIT === 's3' && !e.WARDEN_AUDIT_S3_BUCKET) throw new ConfigError(['WARDEN_AUDIT_S3_BUCKET: required when WARDEN_AUDIT=s3 (a bucket created with Object Lock on)']);
  const githubProblems = githubConfigProblems(e);
  if (githubProblems.length > 0) throw new ConfigError(githubProblems);
  const evidenceS3 = evidenceS3From(e, e.AWS_REGION);
  const reviewS3 = reviewS3From(e, evidenceS3.s3);
  if (evidenceS3.problems.length + reviewS3.problems.length > 0) throw new ConfigError([...evidenceS3.problems, ...reviewS3.problems]);
  const stateDir = resolve(cwd, e.WARDEN_STATE_DIR);
  const ip = '127.0.0.1';
  const temporal: EmbeddedTemporal | ExternalTemporal =
    e.TEMPORAL_ADDRESS || e.TEMPORAL_PROFILE
      ? { mode: 'external', ...(e.WARDEN_TEMPORAL_UI_URL ? { uiUrl: e.WARDEN_TEMPORAL_UI_URL } : {}) }
      : {
          mode: 'embedded',
          ip,
          port: e.WARDEN_TEMPORAL_PORT,
          uiPort: e.WARDEN_TEMPORAL_UI_PORT,
          dbFile: join(stateDir, 'temporal.db'),
          namespace: 'default',
          address: `${ip}:${e.WARDEN_TEMPORAL_PORT}`,
          uiUrl: e.WARDEN_TEMPORAL_UI_URL ?? `http://${ip}:${e.WARDEN_TEMPORAL_UI_PORT}`,
        };
  const uiOrigins = temporal.mode === 'embedded' ? [`http://127.0.0.1:${temporal.uiPort}`, `http://localhost:${temporal.uiPort}`] : temporal.uiUrl ? [new URL(temporal.uiUrl).origin] : [];
  return {
    stateDir,
    logLevel: e.WARDEN_LOG_LEVEL,
    logFormat: e.WARDEN_LOG_FORMAT,
    decisionSigning: { ...(e.WARDEN_DECISION_SIGNING_KEY ? { key: e.WARDEN_DECISION_SIGNING_KEY } : {}), keyFile: join(stateDir, 'decision-signing-key') },
    audit: {
      store: e.WARDEN_AUDIT,
      dir: join(stateDir, 'audit'),
      keyFile: join(stateDir, 'audit-signing-key'),
      ...(e.WARDEN_AUDIT_S3_BUCKET
        ? {
            s3: {
              bucket: e.WARDEN_AUDIT_S3_BUCKET,
              prefix: e.WARDEN_AUDIT_S3_PREFIX,
              retentionDays: e.WARDEN_AUDIT_S3_RETENTION_DAYS,
              region: e.AWS_REGION ?? 'us-east-1',
              ...(e.WARDEN_AUDIT_S3_ENDPOINT ? { endpoint: e.WARDEN_AUDIT_S3_ENDPOINT } : {}),
            },
          }
        : {}),
    },
    http: { host: e.WARDEN_HTTP_HOST, port: e.WARDEN_HTTP_PORT },
    ...(e.WARDEN_WORKER_METRICS_ADDRESS ? { workerMetricsAddress: e.WARDEN_WORKER_METRICS_ADDRESS } : {}),
    temporal,
    encryption: {
      ...(e.WARDEN_ENCRYPTION_KEYS ? { keysVariable: e.WARDEN_ENCRYPTION_KEYS } : {}),
      keyFile: e.WARDEN_ENCRYPTION_KEY_FILE ? resolve(cwd, e.WARDEN_ENCRYPTION_KEY_FILE) : join(stateDir, 'keys.json'),
      keyFileIsDefault: !e.WARDEN_ENCRYPTION_KEY_FILE,
    },
    codecEndpoint: {
      corsOrigins: e.WARDEN_CODEC_CORS_ORIGINS ? e.WARDEN_CODEC_CORS_ORIGINS.split(',').map((s) => s.trim()) : uiOrigins,
      ratePerMinute: e.WARDEN_CODEC_RATE_PER_MINUTE,
    },
    providers: {
      ...(e.SLACK_BOT_TOKEN ? { slack: { botToken: e.SLACK_BOT_TOKEN, ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}) } } : {}),
      ...(e.SMTP_URL ? { smtp: smtpFrom(e.SMTP_URL, e.WARDEN_MAIL_FROM) } : {}),
      evidenceDir: e.WARDEN_EVIDENCE_DIR ? resolve(cwd, e.WARDEN_EVIDENCE_DIR) : join(stateDir, 'evidence'),
      ...(evidenceS3.s3 ? { evidenceS3: evidenceS3.s3 } : {}),
      ...(reviewS3.s3 ? { reviewS3: reviewS3.s3 } : {}),
      ...(e.WARDEN_HTTP_ALLOWLIST
        ? {
            httpAllowlist: e.WARDEN_HTTP_ALLOWLIST.split(',')
              .map((h) => h.trim())
              .filter(Boolean),
          }
        : {}),
      ledgerDir: join(stateDir, 'ledger'),
      ...(awsEnabled(e.WARDEN_AWS, env) ? { aws: { region: e.AWS_REGION ?? 'us-east-1', endpoints: awsEndpoints(env) } } : {}),
      ...(e.MLFLOW_TRACKING_URI
        ? {
            mlflow: {
              trackingUri: e.MLFLOW_TRACKING_URI,
              ...(e.MLFLOW_TRACKING_USERNAME ? { username: e.MLFLOW_TRACKING_USERNAME, password: e.MLFLOW_TRACKING_PASSWORD ?? '' } : {}),
            },
          }
        : {}),
      ...(e.WARDEN_GITHUB_ORG && (e.GITHUB_TOKEN || e.GITHUB_APP_ID)
        ? {
            github: {
              org: e.WARDEN_GITHUB_ORG,
              ...(e.GITHUB_TOKEN ? { token: e.GITHUB_TOKEN } : {}),
              ...(e.GITHUB_APP_ID && e.GITHUB_APP_PRIVATE_KEY && e.GITHUB_APP_INSTALLATION_ID
                ? { app: { appId: e.GITHUB_APP_ID, privateKey: e.GITHUB_APP_PRIVATE_KEY.replace(/\\n/g, '\n'), installationId: e.GITHUB_APP_INSTALLATION_ID } }
                : {}),
              ...(e.GITHUB_API_URL ? { baseUrl: e.GITHUB_API_URL } : {}),
            },
          }
        : {}),
    },
    intake: {
      // Each state secret's variable, when set (config/state-secrets.ts names them).
      secrets: Object.fromEntries(Object.entries(STATE_SECRETS).flatMap(([name, { variable }]) => (e[variable] ? [[name, e[variable]]] : []))),
      playbooksDir: resolve(cwd, e.WARDEN_PLAYBOOKS_DIR),
      ratePerMinute: e.WARDEN_ALERT_RATE_PER_MINUTE,
      apiRatePerMinute: e.WARDEN_API_RATE_PER_MINUTE,
      dryRunDefault: e.WARDEN_DRY_RUN === 'true' || e.WARDEN_DRY_RUN === '1',
    },
  };
}
