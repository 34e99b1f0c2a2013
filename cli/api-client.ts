import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvConfig } from '../config/config.js';
import { loadEnvConfig } from '../config/load.js';
import { signedHeaders } from '../server/auth/webhook-signature.js';
import type { IngestResult } from '../server/intake/ingest.js';
import type { ApprovalRecord, IncidentState, IncidentStatus } from '../contracts/incident.js';

export { ApiError, CliError, type IssueDetail } from './api-errors.js';
import { ApiError, CliError } from './api-errors.js';

/** A row of `GET /v1/incidents`. */
export interface IncidentSummary {
  readonly incidentId: string;
  readonly workflowId: string;
  /** The opening alert's title (absent for incidents opened before intake recorded it). */
  readonly title?: string;
  readonly dryRun?: boolean;
  readonly status?: IncidentStatus;
  readonly severity?: string;
  readonly playbook?: string;
  readonly phase?: string;
  readonly startTime: string;
  readonly closeTime?: string;
}

export interface IncidentFilters {
  readonly status?: string;
  readonly severity?: string;
  readonly playbook?: string;
}

export type AlertAccepted = IngestResult & { readonly redactions?: number };
export interface DecisionResult {
  readonly stepId: string;
  readonly approval: ApprovalRecord;
}
export interface CancelResult {
  readonly status: IncidentStatus;
  readonly rollback: boolean;
}
/** What `warden incidents step` asks of a step that was not applied. */
export type StepAction = { readonly action: 'retry' } | { readonly action: 'done_by_hand' | 'skip'; readonly text: string };

/** What `warden incidents ack|false-positive|merge|start-playbook` asks (the person is the caller's token). */
export type TriageCliAction =
  | { readonly action: 'acknowledge' }
  | { readonly action: 'false_positive'; readonly reason: string }
  | { readonly action: 'merge'; readonly into: string; readonly reason?: string }
  | { readonly action: 'start_playbook'; readonly playbook: string; readonly reason?: string };

const TRIAGE_PATHS: Record<TriageCliAction['action'], string> = { acknowledge: 'acknowledge', false_positive: 'false-positive', merge: 'merge', start_playbook: 'playbook' };

export interface NoteResult {
  readonly notes: number;
  /** Set when the incident was over: a post-incident note. */
  readonly afterClose?: boolean;
}

export interface ApiClientOptions {
  readonly baseUrl: string;
  readonly token?: string;
  /** Where the token came from, for messages (never the token itself). */
  readonly tokenSource?: string;
  /** The file the embedded default writes the admin token to, for the 401 hint. */
  readonly tokenFile?: string;
  /** The state dir the CLI looked in, and whether WARDEN_STATE_DIR chose it, for the 401 hint. */
  readonly stateDir?: string;
  readonly stateDirFromEnv?: boolean;
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** `http://host:port` from the config; a wildcard listen address is reached on loopback. */
export function defaultBaseUrl(config: Pick<EnvConfig, 'http'>): string {
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host === '::' ? '::1' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
}

/**
 * Client options from the environment: WARDEN_URL, else the configured HTTP host and port;
 * WARDEN_TOKEN, else `<stateDir>/admin-token` (written by the embedded default), else none.
 */
export function clientOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, config: Pick<EnvConfig, 'http' | 'stateDir'> = loadEnvConfig(env)): ApiClientOptions {
  const baseUrl = (env.WARDEN_URL?.trim() || defaultBaseUrl(config)).replace(/\/+$/, '');
  const tokenFile = join(config.stateDir, 'admin-token');
  const where = { tokenFile, stateDir: config.stateDir, stateDirFromEnv: Boolean(env.WARDEN_STATE_DIR?.trim()) };
  if (env.WARDEN_TOKEN?.trim()) return { baseUrl, token: env.WARDEN_TOKEN.trim(), tokenSource: 'WARDEN_TOKEN', ...where };
  if (existsSync(tokenFile)) {
    const token = readFileSync(tokenFile, 'utf8').trim();
    if (token) return { baseUrl, token, tokenSource: tokenFile, ...where };
  }
  return { baseUrl, ...where };
}

/**
 * What a 401 on the API means for this CLI: which token it sent and where it read it (the state
 * dir, and whether WARDEN_STATE_DIR chose it: a stale .warden/ of another checkout is the usual
 * cause), never the token itself.
 */
export function unauthorizedHint(o: ApiClientOptions): string {
  const dir = o.stateDir ? `state dir ${o.stateDir}, ${o.stateDirFromEnv ? 'from WARDEN_STATE_DIR' : 'the default: WARDEN_STATE_DIR is not set'}` : undefined;
  const fix = 'set WARDEN_STATE_DIR to the state dir of the server you call, or WARDEN_TOKEN to a valid API token';
  if (!o.token) return `no API token: none in WARDEN_TOKEN, none in ${o.tokenFile ?? 'the state dir'}${dir ? ` (${dir})` : ''}; ${fix}`;
  if (o.tokenSource === 'WARDEN_TOKEN') return `the token read from WARDEN_TOKEN was not accepted by ${o.baseUrl}; set WARDEN_TOKEN to a valid API token`;
  return `the token read from ${o.tokenSource ?? o.tokenFile}${dir ? ` (${dir})` : ''} was not accepted by ${o.baseUrl}; ${fix}`;
}

interface Request {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** JSON-serialized unless it is already bytes (a signed alert goes out exactly as signed). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send the bearer token (the incident API); alert intake authenticates by signature instead. */
  readonly bearer: boolean;
}

/** A typed client of the Warden HTTP API. Every request says `x-warden-client: cli`. */
export class ApiClient {
  constructor(readonly options: ApiClientOptions) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): ApiClient {
    return new ApiClient(clientOptionsFromEnv(env));
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** POST /v1/alerts with the body exactly as signed, with the method, path and query, a timestamp and a fresh delivery id. */
  sendAlert(body: Buffer, secret: string, opts: { dryRun?: boolean } = {}): Promise<AlertAccepted> {
    return this.postAlert('/v1/alerts', body, (path) => signedHeaders(secret, { method: 'POST', path, body }), opts);
  }

  /** POST to an alert route, with the headers its sender would send for the path and query as the server sees them. */
  postAlert<T = AlertAccepted>(route: string, body: Buffer, headers: (pathAndQuery: string) => Record<string, string>, opts: { dryRun?: boolean } = {}): Promise<T> {
    const path = `${route}${opts.dryRun ? '?dry_run=true' : ''}`;
    const sent = new URL(`${this.options.baseUrl}${path}`);
    return this.request<T>({ method: 'POST', path, body, headers: headers(`${sent.pathname}${sent.search}`), bearer: false });
  }

  listIncidents(filters: IncidentFilters = {}): Promise<{ incidents: IncidentSummary[] }> {
    return this.request({ method: 'GET', path: '/v1/incidents', query: { status: filters.status, severity: filters.severity, playbook: filters.playbook }, bearer: true });
  }

  getIncident(id: string): Promise<IncidentState> {
    return this.request({ method: 'GET', path: `/v1/incidents/${encodeURIComponent(id)}`, bearer: true });
  }

  /** `planDigest`: the plan the decider was shown; the server refuses the decision once the step's plan is another. */
  decide(id: string, stepId: string, decision: 'approve' | 'reject', reason?: string, planDigest?: string): Promise<DecisionResult> {
    return this.request({
      method: 'POST',
      path: `/v1/incidents/${encodeURIComponent(id)}/approvals/${encodeURIComponent(stepId)}`,
      body: { decision, ...(reason ? { reason } : {}), ...(planDigest ? { plan_digest: planDigest } : {}) },
      bearer: true,
    });
  }

  cancel(id: string, reason: string, rollback: boolean): Promise<CancelResult> {
    return this.request({ method: 'POST', path: `/v1/incidents/${encodeURIComponent(id)}/cancel`, body: { reason, rollback }, bearer: true });
  }

  stepAction(id: string, stepId: string, action: StepAction): Promise<{ stepId: string; action: string; status: string }> {
    const body = action.action === 'retry' ? { action: 'retry' } : action.action === 'skip' ? { action: 'skip', reason: action.text } : { action: 'done_by_hand', note: action.text };
    return this.request({ method: 'POST', path: `/v1/incidents/${encodeURIComponent(id)}/steps/${encodeURIComponent(stepId)}`, body, bearer: true });
  }

  resolve(id: string, summary: string): Promise<{ status: IncidentStatus }> {
    return this.request({ method: 'POST', path: `/v1/incidents/${encodeURIComponent(id)}/resolve`, body: { summary }, bearer: true });
  }

  lessons(id: string, lessons: { cause: string; impact: string; followUps: string[] }): Promise<{ status: IncidentStatus }> {
    return this.request({ method: 'POST', path: `/v1/incidents/${encodeURIComponent(id)}/lessons`, body: lessons, bearer: true });
  }

  triage(id: string, what: TriageCliAction): Promise<Record<string, unknown>> {
    const { action, ...body } = what;
    return this.request({ method: 'POST', path: `/v1/incidents/${encodeURIComponent(id)}/${TRIAGE_PATHS[action]}`, body, bearer: true });
  }

  addNote(id: string, text: string): Promise<NoteResult> {
    return this.request({ method: 'POST', path: `/v1/incidents/${encodeURIComponent(id)}/notes`, body: { text }, bearer: true });
  }

  private async request<T>(r: Request): Promise<T> {
    const url = new URL(`${this.options.baseUrl}${r.path}`);
    for (const [k, v] of Object.entries(r.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json', 'x-warden-client': 'cli', ...r.headers };
    if (r.bearer && this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let body: Buffer | string | undefined;
    if (r.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = Buffer.isBuffer(r.body) ? r.body : JSON.stringify(r.body);
    }
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let res: Response;
    try {
      res = await fetch(url, { method: r.method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw this.transportError(err, timeoutMs);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) throw this.httpError(res, json, text, r.bearer);
    if (json === undefined) throw new CliError(`${r.method} ${r.path} answered ${res.status} without a JSON body`);
    return json as T;
  }

  private transportError(err: unknown, timeoutMs: number): CliError {
    const e = err as { name?: string; cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      return new CliError(`no answer from the Warden server at ${this.options.baseUrl} within ${timeoutMs / 1000} s`);
    }
    const why = e.cause?.code ?? e.cause?.message ?? (err as Error).message;
    return new CliError(`the Warden server is not reachable at ${this.options.baseUrl} (${why}); run npx warden start, or set WARDEN_URL to where it runs`);
  }

  private httpError(res: Response, json: unknown, text: string, bearer: boolean): ApiError {
    const obj = json && typeof json === 'object' ? (json as { error?: unknown; details?: unknown }) : {};
    const error = typeof obj.error === 'string' ? obj.error : text.trim().slice(0, 200) || res.statusText || 'error';
    const details = Array.isArray(obj.details)
      ? obj.details.flatMap((d: unknown) => {
          const x = d as { path?: unknown; message?: unknown };
          return typeof x?.message === 'string' ? [{ path: typeof x.path === 'string' ? x.path : '', message: x.message }] : [];
        })
      : [];
    return new ApiError(res.status, error, details, this.hintFor(res, bearer));
  }

  private hintFor(res: Response, bearer: boolean): string | undefined {
    if (res.status === 401 && bearer) return unauthorizedHint(this.options);
    if (res.status === 401 && !bearer)
      return `the alert was not accepted: use the server's credential for its sender (its variable, or the file the server generated in its state dir${this.options.stateDir ? `; this CLI read ${this.options.stateDir}` : ''})`;
    if (res.status === 503 || res.status === 429) {
      const after = res.headers.get('retry-after');
      return after ? `retry in ${after} s` : undefined;
    }
    return undefined;
  }
}

/** A call to the API with the CLI's token, answering the body as text (JSON, Markdown, CSV…); a non-2xx answer is an ApiError, an unreachable server a CliError. */
export async function callApi(o: ApiClientOptions, method: 'GET' | 'POST', path: string, body?: unknown, accept = 'application/json'): Promise<string> {
  const headers: Record<string, string> = { accept, 'x-warden-client': 'cli', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${o.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(o.timeoutMs ?? 60_000) });
  } catch (err) {
    throw new CliError(`the Warden server is not reachable at ${o.baseUrl} (${(err as Error).message}); run npx warden start, or set WARDEN_URL to where it runs`);
  }
  const text = await res.text();
  if (res.ok) return text;
  let error = text.trim().slice(0, 200) || res.statusText;
  let details: { path: string; message: string }[] = [];
  try {
    const json = JSON.parse(text) as { error?: string; details?: { path: string; message: string }[] };
    error = json.error ?? error;
    details = json.details ?? [];
  } catch {
    /* not JSON: the text is the error */
  }
  const hint = res.status === 401 ? unauthorizedHint(o) : undefined;
  throw new ApiError(res.status, error, details, hint);
}
