/** Helpers of parseEnvConfig (config/config.ts): provider settings read from the environment. */

/** The endpoints the AWS SDK will use (service-specific variable first), for the start log; absent: AWS's own. */
export function awsEndpoints(env: NodeJS.ProcessEnv): { iam?: string; sts?: string } {
  const iam = env.AWS_ENDPOINT_URL_IAM || env.AWS_ENDPOINT_URL;
  const sts = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
  return { ...(iam ? { iam } : {}), ...(sts ? { sts } : {}) };
}

/** AWS counts as configured when told so, or when the environment carries any AWS credential or endpoint setting. */
export function awsEnabled(mode: 'auto' | 'on' | 'off', env: NodeJS.ProcessEnv): boolean {
  if (mode !== 'auto') return mode === 'on';
  const hints = ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL'];
  return hints.some((k) => !!env[k]);
}

export function githubConfigProblems(e: { GITHUB_TOKEN?: string; GITHUB_APP_ID?: string; GITHUB_APP_PRIVATE_KEY?: string; GITHUB_APP_INSTALLATION_ID?: string; WARDEN_GITHUB_ORG?: string }): string[] {
  const problems: string[] = [];
  if ((e.GITHUB_TOKEN || e.GITHUB_APP_ID) && !e.WARDEN_GITHUB_ORG) problems.push('WARDEN_GITHUB_ORG: required when GitHub credentials are set (the organization Warden acts on)');
  if (e.GITHUB_APP_ID && (!e.GITHUB_APP_PRIVATE_KEY || !e.GITHUB_APP_INSTALLATION_ID)) {
    problems.push('GITHUB_APP_ID: also set GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID for GitHub App credentials');
  }
  return problems;
}

export function smtpFrom(url: string, from: string | undefined): { host: string; port: number; secure: boolean; user?: string; pass?: string; from: string } {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...(u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : {}),
    from: from ?? `Warden <warden@${u.hostname}>`,
  };
}
