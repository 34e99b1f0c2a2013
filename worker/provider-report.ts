import type { WardenDeps } from '../activities/deps.js';
import type { WardenConfig } from '../config/config.js';

/** How long the start waits for a provider to say who it is before reporting it unreadable. */
const PROBE_MS = 8_000;

const within = <T>(p: Promise<T>, ms: number): Promise<T> => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms).unref())]);

/** The origin of a URL, never its path, query or user info (which may carry a secret). */
const origin = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparsable URL)';
  }
};

/**
 * One line per provider for the start log: live (with its endpoint and the account or org it acts
 * in) or "not configured" with what configures it; never a token, password or key. AWS is asked
 * who it is (STS GetCallerIdentity): a wrong STS endpoint shows here, not at the first incident.
 */
export async function providerReport(config: WardenConfig, deps: WardenDeps): Promise<string[]> {
  const p = config.providers;
  const lines: string[] = [
    `evidence: ${p.evidenceS3 ? `s3://${p.evidenceS3.bucket}/${p.evidenceS3.prefix}` : p.evidenceDir}`,
    `review store: ${p.reviewS3 ? `s3://${p.reviewS3.bucket}/${p.reviewS3.prefix} (shared by every worker)` : `${config.stateDir}/reviews (this host's state dir: one worker, or a shared volume)`}`,
  ];
  if (p.aws && deps.providers.iam) {
    const ep = p.aws.endpoints;
    const where = `region ${p.aws.region}, iam ${ep.iam ? origin(ep.iam) : "AWS's endpoint"}, sts ${ep.sts ? origin(ep.sts) : "AWS's endpoint"}`;
    const account = await within(deps.providers.iam.accountNames(), PROBE_MS).then(
      (names) => `account ${names.join(' / ') || '(none reported)'}`,
      (err: Error) => `account not read (${err.message.split('\n')[0]}): check the credentials${ep.iam && !ep.sts ? ', and set AWS_ENDPOINT_URL_STS when STS is not AWS’s' : ''}`,
    );
    const roles = config.file.aws.accounts.length ? `; other accounts through roles: ${config.file.aws.accounts.map((a) => a.account).join(', ')}` : '';
    lines.push(`aws iam: live, ${where}, ${account}${roles}`);
  } else lines.push('aws iam: not configured (AWS credentials or AWS_ENDPOINT_URL_IAM, or WARDEN_AWS=on; see README "Connect providers")');
  lines.push(
    p.github
      ? `github: live, org ${p.github.org}, api ${origin(p.github.baseUrl ?? 'https://api.github.com')}, as ${p.github.app ? `GitHub App ${p.github.app.appId}` : 'a token'}`
      : 'github: not configured (WARDEN_GITHUB_ORG with GITHUB_TOKEN or a GitHub App)',
  );
  lines.push(p.mlflow ? `model registry: live, mlflow at ${origin(p.mlflow.trackingUri)}` : 'model registry: not configured (MLFLOW_TRACKING_URI)');
  lines.push(p.slack ? `slack: live, api ${origin(p.slack.apiUrl ?? 'https://slack.com/api')}` : 'slack: not configured (SLACK_BOT_TOKEN)');
  lines.push(p.smtp ? `email: live, smtp ${p.smtp.host}:${p.smtp.port}, from ${p.smtp.from}` : 'email: not configured (SMTP_URL, WARDEN_MAIL_FROM)');
  lines.push(p.httpAllowlist ? `http: live, hosts ${p.httpAllowlist.join(', ')}` : 'http: not configured (WARDEN_HTTP_ALLOWLIST)');
  return lines;
}
