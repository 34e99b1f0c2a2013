import { join } from 'node:path';
import { buildIntake } from './intake-deps.js';
import { createAwsIam } from '../activities/providers/aws-iam/aws-iam.js';
import { createSageMakerEndpoints } from '../activities/providers/sagemaker/sagemaker-endpoints.js';
import { createSmtpMailer } from '../activities/providers/email/smtp-mailer.js';
import { S3Client } from '@aws-sdk/client-s3';
import { createLocalEvidenceStore } from '../activities/providers/evidence/local-evidence-store.js';
import { createS3EvidenceStore } from '../activities/providers/s3/s3-evidence-store.js';
import { createS3Ledger } from '../activities/providers/s3/s3-ledger.js';
import { createS3ReviewStore } from '../activities/providers/s3/s3-review-store.js';
import type { ReviewStore } from '../activities/ports/review-store.js';
import type { EvidenceS3Config } from '../config/evidence-store.js';
import type { EvidenceStore } from '../activities/ports/evidence.js';
import { createAllowlistedHttp } from '../activities/providers/http/allowlisted-http.js';
import { createFileLedger } from '../activities/providers/idempotency/file-ledger.js';
import { createGitHubCodeHost } from '../activities/providers/github/github-code-host.js';
import type { ModelRegistry } from '../activities/ports/model-registry.js';
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
import { buildInventory } from './inventory-deps.js';

/** Every activity's dependencies, from the loaded config: the providers, the directory of warden.yaml, reviews' settings and their store in the state dir. */
export function buildDeps(config: WardenConfig): WardenDeps {
  return {
    providers: { ...buildProviders(config.providers, config.file.aws.accounts), ...buildIntake(config) },
    directory: createConfigDirectory(config.file.people),
    reviews: { settings: config.file.reviews, store: buildReviewStore(config) },
    inventory: buildInventory(config),
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
    evidence: buildEvidenceStore(p),
    ...(p.slack ? { chat: createSlackChat({ token: p.slack.botToken, ...(p.slack.apiUrl ? { apiUrl: p.slack.apiUrl } : {}) }) } : {}),
    ...(p.smtp
      ? {
          mailer: createSmtpMailer({
            host: p.smtp.host,
            port: p.smtp.port,
            secure: p.smtp.secure,
            ...(p.smtp.user ? { auth: { user: p.smtp.user, pass: p.smtp.pass ?? '' } } : {}),
            from: p.smtp.from,
            // With a shared bucket the ledger is shared too: a retry on another host finds what was sent.
            ledger: p.evidenceS3 ? createS3Ledger({ client: s3ClientFor(p.evidenceS3), bucket: p.evidenceS3.bucket, prefix: `${p.evidenceS3.prefix}ledger/` }) : createFileLedger(p.ledgerDir),
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
    ...(p.aws ? { endpoints: createSageMakerEndpoints({ region: p.aws.region }) } : {}),
    ...(p.mlflow ? { models: createMlflowRegistry(p.mlflow) } : {}),
    ...(p.github ? { code: createGitHubCodeHost(p.github) } : {}),
  };
}

const s3ClientFor = (s3: Pick<EvidenceS3Config, 'region' | 'endpoint'>) => new S3Client({ region: s3.region, ...(s3.endpoint ? { endpoint: s3.endpoint, forcePathStyle: true } : {}) });

/** The review store: in the evidence bucket when shared (WARDEN_REVIEW_STORE), else `<state dir>/reviews`. */
export function buildReviewStore(config: Pick<WardenConfig, 'stateDir' | 'providers'>): ReviewStore {
  const s3 = config.providers.reviewS3;
  return s3 ? createS3ReviewStore({ client: s3ClientFor(s3), bucket: s3.bucket, prefix: s3.prefix }) : createLocalReviewStore(join(config.stateDir, 'reviews'));
}

/** The evidence store: the S3 bucket when configured (every worker and the server share it), else the local directory. */
export function buildEvidenceStore(p: Pick<ProviderConfig, 'evidenceDir' | 'evidenceS3'>): EvidenceStore {
  const s3 = p.evidenceS3;
  if (!s3) return createLocalEvidenceStore(p.evidenceDir);
  return createS3EvidenceStore({ client: s3ClientFor(s3), bucket: s3.bucket, prefix: s3.prefix, ...(s3.retention ? { retention: s3.retention } : {}) });
}

/** The evidence store as the server reads it (`warden start` hands it to setupApi): the same bucket or directory the workers write. */
export function evidenceReader(p: Pick<ProviderConfig, 'evidenceDir' | 'evidenceS3'>): Pick<EvidenceStore, 'get' | 'keyOf'> & { describe: string } {
  const store = buildEvidenceStore(p);
  const describe = p.evidenceS3 ? `the evidence bucket s3://${p.evidenceS3.bucket}/${p.evidenceS3.prefix}` : `this server's evidence directory ${p.evidenceDir} (WARDEN_EVIDENCE_DIR)`;
  return { get: (key) => store.get(key), keyOf: (uri) => store.keyOf(uri), describe };
}

/** The model registry alone, when MLflow is configured: the server checks registry webhooks against it. */
export function buildModelRegistry(config: WardenConfig): ModelRegistry | undefined {
  return config.providers.mlflow ? createMlflowRegistry(config.providers.mlflow) : undefined;
}
