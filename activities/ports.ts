/**
 * The capabilities activities need, one interface per kind of peer. Each provider folder under
 * activities/ adapts exactly one SDK to one of these; tests prove each adapter against a real
 * peer on loopback. Core code depends on these interfaces, never on a vendor SDK.
 *
 * Every method is idempotent under its idempotency key: calling it again after a crash reports
 * `already: true` instead of acting twice.
 */

export interface ChatMessage {
  /** Channel id or name (e.g. "#sec-incidents" or "C0123"). */
  readonly channel: string;
  readonly text: string;
  readonly blocks?: readonly unknown[];
  readonly threadTs?: string;
  /** Same key, same message: a rerun finds the earlier post instead of posting again. */
  readonly idempotencyKey: string;
}

export interface ChatPostResult {
  readonly channel: string;
  readonly ts: string;
  /** True when a message with this idempotency key was already in the channel. */
  readonly already: boolean;
}

export interface Chat {
  post(message: ChatMessage): Promise<ChatPostResult>;
}

export interface MailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly idempotencyKey: string;
}

export interface MailSendResult {
  readonly messageId: string;
  readonly accepted: readonly string[];
  readonly already: boolean;
}

export interface Mailer {
  send(message: MailMessage): Promise<MailSendResult>;
}

export interface EvidenceObject {
  /** Where the object lives, e.g. file:///…/incidents/incident-42/snapshot-1.json */
  readonly uri: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly already: boolean;
}

export interface EvidenceStore {
  /** Writes once: a second put under the same key with the same content reports already; different content is an error. */
  put(key: string, body: string | Uint8Array, contentType: string): Promise<EvidenceObject>;
  get(key: string): Promise<Uint8Array | undefined>;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly truncated: boolean;
}

export interface HttpRequester {
  request(req: HttpRequest): Promise<HttpResponse>;
}

/** Identity and access on a cloud provider (AWS IAM first). Adapters come with the provider actions. */
export interface Iam {
  setAccessKeyStatus(input: { userName: string; accessKeyId: string; status: 'Active' | 'Inactive'; dryRun: boolean }): Promise<ChangeResult>;
  setQuarantine(input: { userName: string; quarantined: boolean; dryRun: boolean }): Promise<ChangeResult>;
}

/** A model registry (MLflow first): aliases, versions, tags. */
export interface ModelRegistry {
  rollback(input: { model: string; alias: string; toVersion?: string; reason: string; dryRun: boolean }): Promise<ChangeResult>;
  setAlias(input: { model: string; alias: string; version: string; dryRun: boolean }): Promise<ChangeResult>;
  quarantineVersion(input: { model: string; version: string; reason: string; dryRun: boolean }): Promise<ChangeResult>;
}

/** What every provider change reports: whether it acted, and the state before and after. */
export interface ChangeResult {
  readonly changed: boolean;
  readonly plan: readonly string[];
  readonly before: unknown;
  readonly after: unknown;
  readonly output?: Readonly<Record<string, unknown>>;
}
