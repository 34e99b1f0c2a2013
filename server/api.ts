import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { WardenConfig } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import { loadDecisionSigner } from '../config/decision-key.js';
import { ensureLocalAdmin } from '../config/file-config.js';
import { ALERT_SENDERS, resolveStateSecrets } from '../config/state-secrets.js';
import { loadPlaybooks, type LoadedPlaybook } from '../playbook/load.js';
import { createApiAuth } from './auth/api-auth.js';
import { watchRevocations } from './auth/revocations.js';
import { createRateLimiter } from './intake/rate-limit.js';
import { FALLBACK_PLAYBOOK } from './intake/route-playbook.js';
import { identityKey, rateLimited } from './rate-limited.js';
import type { Route } from './router.js';
import { auditTokenUse, createServerAudit, NO_SERVER_AUDIT, type ServerAudit } from './audit.js';
import { alertRoutes } from './routes/alerts.js';
import type { RegistryReader } from './intake/adapters/mlflow.js';
import { approvalRoutes } from './routes/approvals.js';
import { auditRoutes } from './routes/audit.js';
import { auditPublicKey } from '../contracts/audit.js';
import type { AuditReader } from '../contracts/audit-verify.js';
import { loadAuditKey } from '../config/audit-key.js';
import { incidentRoutes } from './routes/incidents.js';
import { inventoryRoutes } from './routes/inventory.js';
import { kpiRoutes } from './routes/kpis.js';
import { offboardingListRoutes } from './routes/offboarding-list.js';
import { reviewProgressRoutes } from './routes/review-progress.js';
import { incidentEvidenceRoutes } from './routes/incident-evidence.js';
import { offboardingRoutes } from './routes/offboardings.js';
import { createPersonResolver } from './routes/review-access.js';
import { openapiRoutes } from './routes/openapi.js';
import { reviewRoutes } from './routes/reviews.js';
import { localEvidenceReader, type EvidenceReader } from './routes/review-access.js';
import { createConfigDirectory } from '../config/config-directory.js';
import type { IdentityConfig } from '../config/file-config.js';
import { loadWardenConfig } from '../config/load.js';
import { createSlackApp } from '../slack/app.js';
import { createServerMetrics, metricsRoute } from './metrics/registry.js';
import { temporalSnapshot } from './metrics/snapshot.js';
import { configRoutes, type ReloadOutcome } from './routes/config.js';
import type { Revocations } from './auth/revocations.js';
import { consoleSessionRoutes } from './console/routes.js';
import { createConsoleSessions } from './console/sessions.js';
import { temporalLogouts } from './console/logouts.js';
import { createOidcClient } from './console/oidc.js';
import { oidcRoutes } from './console/oidc-routes.js';
import { personWithEmail } from '../config/person-of.js';
import { LOCAL_ADMIN_ID } from '../contracts/incident.js';

export interface ApiSetup {
  readonly routes: Route[];
  /** Lines to show the operator once (generated secrets' locations, how to sign), never a secret in a log file. */
  readonly notices: string[];
  /** The codec endpoint's token (WARDEN_CODEC_TOKEN, else generated into the state dir): distinct from every alert credential. */
  readonly codecToken: string;
  /** The server's appends to the audit trail (server/audit.ts). */
  readonly audit: ServerAudit;
  /** Stops what setup started (the Slack app's Socket Mode connection); call on shutdown. */
  stop(): Promise<void>;
  /** Re-reads warden.yaml (SIGHUP, POST /v1/config/reload) and swaps it in at once, or keeps the one in effect and says why. */
  reload(): ReloadOutcome;
  /** The configuration in effect. */
  current(): WardenConfig;
  /**
   * A one-time code that logs `identityId` into the console (GET /console/login?code=…): by default
   * the local admin, on the embedded default only (undefined otherwise). Never exposed as a route.
   */
  consoleLoginCode(identityId?: string): string | undefined;
}

/**
 * The API routes with everything they need, read once at start: playbooks (every one must
 * validate), each alert sender's credential (generated into the state dir when not set); identities, people and the Slack app come with the config.
 */
export function setupApi(
  config: WardenConfig,
  client: Client,
  taskQueue: string,
  log: (msg: string) => void = (msg) => console.error(msg),
  readers: { readonly modelRegistry?: RegistryReader; readonly evidence?: EvidenceReader; readonly audit?: AuditReader } = {},
  reloadConfig: () => WardenConfig = () => loadWardenConfig(),
): ApiSetup {
  const notices: string[] = [];
  const { playbooks, problems } = loadPlaybooks([config.intake.playbooksDir]);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.field}: ${p.message}`));
  if (!playbooks.some((p) => p.playbook.id === FALLBACK_PLAYBOOK)) throw new ConfigError([`${config.intake.playbooksDir}: the fallback playbook "${FALLBACK_PLAYBOOK}" is missing`]);
  const identitiesOf = (c: WardenConfig): IdentityConfig[] => {
    const identities = [...c.file.identities];
    if (c.temporal.mode === 'embedded') identities.push(ensureLocalAdmin(c.stateDir).identity);
    if (c.slackApp && !c.file.slack.team_id) {
      throw new ConfigError([`slack.team_id: required in ${c.filePath ?? 'warden.yaml'} when the Slack app is on (the workspace whose users may act; Slack's team id, T…)`]);
    }
    return identities;
  };
  if (config.temporal.mode === 'embedded') {
    const local = ensureLocalAdmin(config.stateDir);
    if (local.token) notices.push(`generated an admin API token into ${config.stateDir}/admin-token (the CLI uses it); only its hash is kept for the server`);
  } else if (config.file.identities.length === 0) {
    notices.push(`no identities in ${config.filePath ?? 'warden.yaml'}: every incident endpoint will answer 401 (see warden.example.yaml)`);
  }
  // Built once, for the life of the server: playbooks, credentials, the signing key, rate limits, the alert routes.
  const { codec: codecToken, session: sessionSecret, ...credentials } = resolveStateSecrets(config.stateDir, config.intake.secrets, [...ALERT_SENDERS, 'codec', 'session'], notices);
  const signer = loadDecisionSigner(config.decisionSigning);
  const apiLimiter = createRateLimiter(config.intake.apiRatePerMinute, Math.max(10, config.intake.apiRatePerMinute));
  const audit = config.audit.store === 'off' ? NO_SERVER_AUDIT : createServerAudit(client, taskQueue, log);
  auditLoads(audit, config, playbooks);
  const metrics = createServerMetrics(temporalSnapshot(client, taskQueue));
  const alerts = metrics.countAlerts(
    alertRoutes({
      ingest: { client, playbooks, taskQueue, decisionKey: signer.publicKey },
      credentials,
      rateLimiter: createRateLimiter(config.intake.ratePerMinute, Math.max(10, config.intake.ratePerMinute)),
      dryRunDefault: config.intake.dryRunDefault,
      mlflow: { ...(readers.modelRegistry ? { registry: readers.modelRegistry } : {}), watchedAliases: config.file.mlflow.watched_aliases },
      audit,
    }),
  );

  /** What warden.yaml decides: identities, people, offboarding and review settings; rebuilt whole on a reload. */
  let live = { config, identities: identitiesOf(config) };
  /** Identities cut off by an offboarding (its memo in Temporal), re-read every few seconds, matched against the identities in effect. */
  const revocations: Revocations = watchRevocations(client, () => live.identities, 5_000, log);
  /** Console logouts, in Temporal: every server refuses a closed session, not only the one that closed it. */
  const logouts = temporalLogouts(client, taskQueue, 5_000, log);
  /** Console sessions are sealed cookies, so they outlive a reload and a restart, and work on every server with this secret; each names an identity, whose roles are read from the identities in effect. */
  const sessions = createConsoleSessions({ secret: sessionSecret, logouts });
  /** The console's OIDC logins: each in progress is sealed into its browser's cookie (server/console/oidc.ts); a reload's settings apply at the next login. */
  const oidcClient = createOidcClient({ secret: sessionSecret });
  const build = (c: WardenConfig, identities: IdentityConfig[]): Route[] => {
    const file = c.file;
    const auth = createApiAuth(identities, revocations, sessions, new Set(file.people.map((p) => p.id)));
    const { notify, retention_days: retentionDays, start_roles: startRoles, sole_approver_roles: soleApproverRoles } = file.offboarding;
    /** The people of warden.yaml: offboardings, reviewers, and who a Slack click or an API caller is. */
    const directory = createConfigDirectory(file.people);
    const personOf = createPersonResolver(directory, identities);
    /** Requests that act (decisions, cancels, offboardings, reviews) are limited per authenticated identity; reads are not. */
    const limitByIdentity = (all: Route[]): Route[] => [
      ...all.filter((r) => r.method === 'GET'),
      ...rateLimited(
        auditTokenUse(
          all.filter((r) => r.method !== 'GET'),
          auth,
          audit,
        ),
        apiLimiter,
        (req) => identityKey(auth, req),
        'API',
      ),
    ];
    return [
      ...limitByIdentity([
        ...incidentRoutes(client, auth, signer, personOf, playbooks),
        ...incidentEvidenceRoutes({ client, auth, evidence: readers.evidence ?? localEvidenceReader(c.providers.evidenceDir) }),
        ...offboardingListRoutes({ client, auth }),
        ...reviewProgressRoutes({ client, auth }),
        ...offboardingRoutes({
          client,
          directory,
          taskQueue,
          auth,
          signer,
          startRoles,
          soleApproverRoles,
          identities,
          notify: { email: notify.email, ...(notify.slack_channel ? { slackChannel: notify.slack_channel } : {}) },
          retentionDays,
        }),
        ...reviewRoutes({
          client,
          auth,
          directory,
          identities,
          taskQueue,
          evidence: readers.evidence ?? localEvidenceReader(c.providers.evidenceDir),
          configured: [...(c.providers.aws ? ['aws' as const] : []), ...(c.providers.github ? ['github' as const] : [])],
        }),
        ...inventoryRoutes({ client, auth, taskQueue, evidence: readers.evidence ?? localEvidenceReader(c.providers.evidenceDir) }),
        ...kpiRoutes(client, auth, { mttdMinutes: Math.round(file.kpi.targets.mttd_hours * 60), mttrMinutes: Math.round(file.kpi.targets.mttr_hours * 60) }, taskQueue),
        ...approvalRoutes({ client, auth, personOf, taskQueue, ...(startRoles ? { offboardingRoles: startRoles } : {}) }),
        ...configRoutes({ auth, config: c, personOf, reload: () => reload() }),
        ...consoleSessionRoutes({ auth, sessions, personOf, nameOf: (id) => identities.find((i) => i.id === id)?.name }),
        ...oidcRoutes({ settings: () => c.oidc, client: oidcClient, sessions, personWithEmail: (email) => personWithEmail(directory, email) }),
      ]),
      metricsRoute(metrics, (req) => auth.authorize(req, 'viewer', 'read metrics')),
      // GET /v1/audit, when the caller (cli/start) hands over the trail's store.
      ...(readers.audit ? auditRoutes({ auth, store: readers.audit, publicKey: auditPublicKey(loadAuditKey(c.audit.keyFile)) }) : []),
    ];
  };
  let current = build(config, live.identities);
  /** Every request goes to the route set in effect when it arrives: a reload swaps the whole set in one assignment. */
  const swappable: Route[] = current.map((r, i) => ({ method: r.method, path: r.path, handle: (req, res, params, send) => current[i]!.handle(req, res, params, send) }));
  const reload = (): ReloadOutcome => {
    const outcome = swapIn();
    const where = config.filePath ?? 'warden.yaml';
    log(
      outcome.ok
        ? `config reloaded: ${outcome.path ?? 'no warden.yaml'}${outcome.sha256 ? ` (sha256 ${outcome.sha256})` : ''}: ${outcome.identities} identities, ${outcome.people} people`
        : `config not reloaded, the previous ${where} stays in effect:\n${outcome.errors.map((e) => `  - ${e}`).join('\n')}`,
    );
    return outcome;
  };
  const swapIn = (): ReloadOutcome => {
    let next: WardenConfig;
    let identities: IdentityConfig[];
    let routes: Route[];
    try {
      next = reloadConfig();
      identities = identitiesOf(next);
      routes = build(next, identities);
    } catch (err) {
      const errors = err instanceof ConfigError ? err.problems : [(err as Error).message];
      return { ok: false, errors };
    }
    if (routes.length !== current.length || routes.some((r, i) => r.method !== current[i]!.method || r.path !== current[i]!.path)) {
      return { ok: false, errors: ['the routes of the new configuration differ from the running ones: restart the server'] };
    }
    live = { config: next, identities };
    current = routes;
    auditConfigLoad(audit, next);
    return { ok: true, ...(next.filePath ? { path: next.filePath, sha256: next.fileSha256 } : {}), identities: identities.length, people: next.file.people.length };
  };
  const routes = [...alerts, ...swappable, ...openapiRoutes()];
  notices.push(`loaded ${playbooks.length} playbooks from ${config.intake.playbooksDir}`);
  // ── Slack app (server/slack): on when SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are set; it keeps the identities and people of the start ──
  const file = config.file;
  const slack =
    config.slackApp &&
    createSlackApp({
      ...config.slackApp,
      client,
      signer,
      identities: file.identities,
      directory: createConfigDirectory(file.people),
      matchByEmail: file.slack.match_by_email,
      teamId: file.slack.team_id!,
      revokedBy: (id) => revocations.revokedBy(id),
      log,
    });
  if (slack) {
    routes.push(...slack.routes);
    notices.push(slack.notice);
    slack.start().catch((err: unknown) => log(`slack: Socket Mode did not connect: ${(err as Error).message}`));
  }
  // ── end Slack app ──
  return {
    routes,
    notices,
    codecToken,
    reload,
    current: () => live.config,
    consoleLoginCode: (identityId) => {
      if (identityId) return live.identities.some((i) => i.id === identityId) ? sessions.issueLoginCode(identityId) : undefined;
      return config.temporal.mode === 'embedded' ? sessions.issueLoginCode(LOCAL_ADMIN_ID) : undefined;
    },
    audit,
    stop: async () => {
      revocations.stop();
      logouts.stop();
      await slack?.stop();
    },
  };
}

/** The config and the playbooks the server runs with, by digest (never a secret: the file's hash, not its text). */
function auditLoads(audit: ServerAudit, config: WardenConfig, playbooks: readonly LoadedPlaybook[]): void {
  auditConfigLoad(audit, config);
  const list = playbooks.map((p) => ({ id: p.playbook.id, version: p.playbook.version, sha256: p.sha256 }));
  const setSha256 = createHash('sha256').update(JSON.stringify(list)).digest('hex');
  audit.append({ kind: 'playbooks.loaded', actor: 'warden-server', subject: config.intake.playbooksDir, details: { sha256: setSha256, playbooks: list } });
}

/** A load of warden.yaml (at start, and each reload), by digest. */
function auditConfigLoad(audit: ServerAudit, config: WardenConfig): void {
  const fileSha256 = config.filePath && existsSync(config.filePath) ? createHash('sha256').update(readFileSync(config.filePath)).digest('hex') : undefined;
  audit.append({
    kind: 'config.loaded',
    actor: 'warden-server',
    subject: config.filePath ?? 'environment',
    details: { ...(fileSha256 ? { sha256: fileSha256 } : {}), identities: config.file.identities.length, people: config.file.people.length },
  });
}
