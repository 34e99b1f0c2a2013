import type { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { errorCode, failure, fromNetworkError, fromResponse, type Subject } from './mlflow-errors.js';
import { FailureKind } from '../../../contracts/failures.js';

export interface MlflowConnection {
  readonly trackingUri: string;
  readonly username?: string;
  readonly password?: string;
  readonly timeoutMs?: number;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** The REST API version: 2.0 (tracking, registry, users) or 3.0 (the auth app's roles and permissions). */
  readonly version?: '2.0' | '3.0';
  /** MLflow's workspace header, for a grant outside the default workspace. */
  readonly workspace?: string;
  /** The failure for a 404 that is not MLflow's (the route does not exist on this server). */
  readonly missingRoute?: () => ApplicationFailure;
}

type Call<R> = <S extends z.ZodType>(method: Method, path: string, params: Record<string, unknown>, subject: Subject, schema: S, opts?: RequestOptions) => Promise<R | z.infer<S>>;

export interface MlflowTransport {
  /** Where the server is, without credentials: for messages. */
  readonly where: string;
  /** One REST call; any non-2xx answer throws the translated failure. */
  readonly request: Call<never>;
  /** The same, but MLflow's own "does not exist" (404 RESOURCE_DOES_NOT_EXIST) answers undefined. */
  readonly find: Call<undefined>;
}

/** Splits credentials out of the URI (fetch refuses URLs that carry them). */
function parseTrackingUri(uri: string): { root: string; user?: string; pass?: string } {
  const url = new URL(uri);
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  const pass = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  return { root: url.toString().replace(/\/+$/, ''), ...(user ? { user } : {}), ...(pass ? { pass } : {}) };
}

/**
 * The HTTP layer of the MLflow adapters: one request per call, no retries (Temporal owns
 * retries), failures translated by mlflow-errors.ts. Sends HTTP basic auth when a username is
 * configured; the password never appears in a message.
 */
export function createMlflowTransport(conn: MlflowConnection): MlflowTransport {
  const uri = parseTrackingUri(conn.trackingUri);
  const username = conn.username ?? uri.user;
  const password = conn.password ?? uri.pass ?? '';
  const auth = username ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` : undefined;
  const timeoutMs = conn.timeoutMs ?? 15_000;
  const where = uri.root;

  async function send<S extends z.ZodType>(
    absentOk: boolean,
    method: Method,
    path: string,
    params: Record<string, unknown>,
    subject: Subject,
    schema: S,
    opts: RequestOptions = {},
  ): Promise<z.infer<S> | undefined> {
    const call = `${method} ${path}`;
    const base = `${where}/api/${opts.version ?? '2.0'}/mlflow/${path}`;
    const url = method === 'GET' ? `${base}?${new URLSearchParams(params as Record<string, string>).toString()}` : base;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth) headers.authorization = auth;
    if (opts.workspace) headers['x-mlflow-workspace'] = opts.workspace;
    if (method !== 'GET') headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method, headers, signal: AbortSignal.timeout(timeoutMs), ...(method === 'GET' ? {} : { body: JSON.stringify(params) }) });
      text = await response.text();
    } catch (err) {
      throw fromNetworkError(err, call, where);
    }
    if (response.status === 404) {
      const code = errorCode(text);
      if (code === undefined && opts.missingRoute) throw opts.missingRoute();
      if (code === 'RESOURCE_DOES_NOT_EXIST' && absentOk) return undefined;
    }
    if (!response.ok) throw fromResponse(response.status, text, call, where, subject, password || undefined);
    let json: unknown;
    try {
      json = JSON.parse(text || '{}');
    } catch {
      throw failure(FailureKind.RegistryUnavailable, `MLflow at ${where} answered ${call} with something other than JSON; check that MLFLOW_TRACKING_URI points at the tracking server`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw failure(FailureKind.InvalidRegistryRequest, `MLflow at ${where} answered ${call} in an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  return {
    where,
    request: async (method, path, params, subject, schema, opts) => (await send(false, method, path, params, subject, schema, opts)) as z.infer<typeof schema>,
    find: (method, path, params, subject, schema, opts) => send(true, method, path, params, subject, schema, opts),
  };
}
