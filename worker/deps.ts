import { join } from 'node:path';
import { createAwsIam } from '../activities/providers/aws-iam/aws-iam.js';
import { createSmtpMailer } from '../activities/providers/email/smtp-mailer.js';
import { createLocalEvidenceStore } from '../activities/providers/evidence/local-evidence-store.js';
import { createAllowlistedHttp } from '../activities/providers/http/allowlisted-http.js';
import { createFileLedger } from '../activities/providers/idempotency/file-ledger.js';
import { createGitHubCodeHost } from '../activities/providers/github/github-code-host.js';
import { createMlflowRegistry } from '../activities/providers/mlflow/mlflow-registry.js';
import { createSlackChat } from '../activities/providers/slack/slack-chat.js';
import type { WardenDeps } from '../activities/deps.js';
import type { AuditStore } from '../activities/ports/audit-store.js';
import { createS3AuditStore } from '../activities/providers/audit-store/s3-audit-store.js';
import { createLocalAuditStore } from '../activities/providers/audit-store/local-audit-store.js';
import { loadAuditKey } from '../config/audit-key.js';
import { createLocalReviewStore } from '../activities/providers/review-store/local-review-store.js';
import type { ActionDeps } from '../catalog/types.js';
import type { AwsAccountsConfig } from '../config/aws-accounts.js';
import { createConfigDirectory } from '../config/config-directory.js';
import type { ProviderConfig, WardenConfig } from '../config/config.js';

/** Every activity's dependencies, from the loaded config: the providers, the directory of warden.yaml, reviews' settings and their store in the state dir. */
export function buildDeps(config: WardenConfig): WardenDeps {
  return {
    providers: buildProviders(config.providers, config.file.aws.accounts),
    directory: createConfigDirectory(config.file.people),
    reviews: { settings: config.file.reviews, store: createLocalReviewStore(join(config.stateDir, 'reviews')) },
    // The roles Warden assumes in other accounts are its own: protected like the configured ones.
    ...(config.audit.store !== 'off' ? { audit: { store: auditStoreOf(config), secretKey: loadAuditKey(config.audit.keyFile) } } : {}),
    protectedPrincipals: { ...config.file.protected, aws_roles: [...config.file.protected.aws_roles, ...config.file.aws.accounts.map((a) => a.role_arn.split('/').at(-1) ?? '')] },
  };
}

/** Where the audit trail is kept (WARDEN_AUDIT): the worker writes it, `warden audit` reads it. */
export function auditStoreOf(config: WardenConfig): AuditStore {
  const s3 = config.audit.store === 's3' ? config.audit.s3 : undefined;
  return s3 ? createS3AuditStore(s3) : createLocalAuditStore(config.audit.dir);
}

/** The adapters for every configured provider; the rest stay absent (not configured). Other AWS accounts act through their roles. */
function buildProviders(p: ProviderConfig, awsAccounts: AwsAccountsConfig['accounts']): ActionDeps {
  return {
    evidence: createLocalEvidenceStore(p.evidenceDir),
    ...(p.slack ? { chat: createSlackChat({ token: p.slack.botToken, ...(p.slack.apiUrl ? { apiUrl: p.slack.apiUrl } : {}) }) } : {}),
    ...(p.smtp
      ? {
          mailer: createSmtpMailer({
            host: p.smtp.host,
            port: p.smtp.port,
            secure: p.smtp.secure,
            ...(p.smtp.user ? { auth: { user: p.smtp.user, pass: p.smtp.pass ?? '' } } : {}),
            from: p.smtp.from,
            ledger: createFileLedger(p.ledgerDir),
          }),
        }
      : {}),
    ...(p.httpAllowlist ? { http: createAllowlistedHttp({ allowHosts: p.httpAllowlist }) } : {}),
    ...(p.aws ? { iam: createAwsIam({ region: p.aws.region }) } : {}),
    ...(p.aws && awsAccounts.length
      ? {
          iamAccounts: Object.fromEntries(
            awsAccounts.map((a) => [a.account, createAwsIam({ region: p.aws!.region, assumeRole: { roleArn: a.role_arn, ...(a.external_id ? { externalId: a.external_id } : {}) } })]),
          ),
        }
      : {}),
    ...(p.mlflow ? { models: createMlflowRegistry(p.mlflow) } : {}),
    ...(p.github ? { code: createGitHubCodeHost(p.github) } : {}),
  };
}

/** Which providers are configured, for the startup log (never the secrets). */
export function describeProviders(config: WardenConfig): string {
  const p = config.providers;
  const awsAccounts = config.file.aws.accounts;
  const on = [
    p.slack && 'slack',
    p.smtp && `email (${p.smtp.host})`,
    p.httpAllowlist && `http (${p.httpAllowlist.join(', ')})`,
    p.aws && `aws iam (${p.aws.region}${awsAccounts.length ? `; accounts through roles: ${awsAccounts.map((a) => a.account).join(', ')}` : ''})`,
    p.mlflow && `model registry (${new URL(p.mlflow.trackingUri).origin})`,
    p.github && `github (org ${p.github.org})`,
  ].filter(Boolean);
  return `evidence in ${p.evidenceDir}; ${on.length ? on.join(', ') : 'no notification or change providers configured (their steps run as dry runs)'}`;
}
