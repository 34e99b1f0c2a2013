import { ApplicationFailure, TemporalFailure, type Duration } from '@temporalio/common';

/**
 * Every failure kind Warden raises, as the `type` of a Temporal ApplicationFailure, with whether
 * Temporal retries it. The names are recorded in workflow histories, incident records and
 * operators' alerts: never rename one. `retryable` kinds are retried under the activity's retry
 * policy; `final` kinds fail the attempt at once and say what to fix.
 */
const KINDS = {
  /** AWS throttled, answered 5xx, timed out or could not be reached; retryable, honouring Retry-After. */
  AwsUnavailable: 'retryable',
  /** The IAM user, key or policy does not exist (NoSuchEntity) or belongs to another user; final: check the names. */
  AwsNotFound: 'final',
  /** AWS denied the call or rejected the credentials; final: grant the named iam: permission or fix the credentials. */
  AwsAccessDenied: 'final',
  /** AWS rejected the call with an error code not listed here; final: read the code in the message. */
  AwsRequestRejected: 'final',
  /** The account named is neither the default credentials' nor under aws.accounts; final: add it to warden.yaml. */
  AwsAccountNotConfigured: 'final',
  /** AWS refusal: the entity still has subordinates (keys, policies, groups…); final: remove them first. */
  DeleteConflict: 'final',
  /** AWS refusal: a parameter failed AWS validation; final: fix the parameter. */
  ValidationError: 'final',
  /** AWS refusal: an account quota is reached; final: raise the quota or free some. */
  LimitExceeded: 'final',
  /** AWS refusal: the input is invalid; final: fix the parameter. */
  InvalidInput: 'final',
  /** AWS refusal: the entity already exists; final, though creators treat it as "already done". */
  EntityAlreadyExists: 'final',
  /** AWS refusal: the policy document is malformed; final: fix the policy. */
  MalformedPolicyDocument: 'final',
  /** AWS refusal: the entity is service-managed and may not be changed; final: act on it in its owning service. */
  UnmodifiableEntity: 'final',
  /** AWS refusal: the policy cannot be attached to that entity; final: choose another policy. */
  PolicyNotAttachable: 'final',

  /** GitHub rate limited, answered 5xx or could not be reached; retryable, honouring retry-after and the reset time. */
  GitHubUnavailable: 'retryable',
  /** GitHub rejected the credentials (401); final: set a valid GITHUB_TOKEN or GitHub App credentials. */
  GitHubAuthFailed: 'final',
  /** GitHub refused the call (403); final: grant the token scope or App permission named. */
  GitHubForbidden: 'final',
  /** GitHub found nothing (404), or the credentials may not see it; final: check the org and names. */
  GitHubNotFound: 'final',
  /** GitHub refused the request as invalid (422); final: fix the request. */
  GitHubValidation: 'final',
  /** GitHub answered another 4xx; final: read the status in the message. */
  GitHubRequestFailed: 'final',

  /** Slack rate limited, answered 5xx or a transient error, or could not be reached; retryable. */
  SlackUnavailable: 'retryable',
  /** Slack refused the call (channel_not_found, not_in_channel, invalid_auth, missing_scope…); final: do what the message says. */
  SlackRequestRejected: 'final',

  /** The SMTP server could not be reached or answered 4xx; retryable. */
  SmtpUnavailable: 'retryable',
  /** The SMTP server refused the login, a recipient or the settings (5xx); final: fix the address or credentials. */
  SmtpRejected: 'final',

  /** An outbound HTTP call timed out, failed on the network, or got 429 or 5xx; retryable, honouring Retry-After. */
  HttpUnavailable: 'retryable',
  /** The request URL, headers or body are invalid; final: fix the step's request. */
  InvalidHttpRequest: 'final',
  /** The host or scheme is not allowed; final: add the host to WARDEN_HTTP_ALLOWLIST if Warden should reach it. */
  HostNotAllowed: 'final',
  /** The peer answered a status the step does not accept (expectStatus, else 2xx); final: see the peer. */
  HttpStatus: 'final',

  /** The model registry could not be reached, timed out, or answered 5xx or 429; retryable. */
  RegistryUnavailable: 'retryable',
  /** A registry change did not read back as written; retryable. */
  RegistryInconsistent: 'retryable',
  /** The model, version or alias does not exist; final: check the names. */
  ModelNotFound: 'final',
  /** Registry credentials missing, wrong or without permission; final: set or grant them. */
  RegistryAccessDenied: 'final',
  /** The registry refused a parameter or answered in an unexpected shape; final: fix the call or the server. */
  InvalidRegistryRequest: 'final',
  /** A rollback found no version to fall back to; final: name a version explicitly. */
  NoRollbackTarget: 'final',
  /** The explicit rollback target may not serve (quarantined, not ready, or current); final: choose another. */
  InvalidRollbackTarget: 'final',
  /** The registry runs without its auth app, so it has no users or permissions; final: nothing to revoke there. */
  RegistryAuthNotEnabled: 'final',

  /** An evidence key is not a plain relative path; final: use one like incidents/<id>/<name>.json. */
  InvalidEvidenceKey: 'final',
  /** Evidence is write-once and the key holds other content or collides with a path; final: use a new key. */
  EvidenceConflict: 'final',
  /** No evidence store is configured; final: set WARDEN_EVIDENCE_DIR. */
  EvidenceNotConfigured: 'final',
  /** The shared object store (S3: evidence, the idempotency ledger) could not be reached, throttled or answered 5xx; retryable. */
  ObjectStoreUnavailable: 'retryable',
  /** The shared object store (S3) refused the call (no such bucket, access denied, no Object Lock…); final: fix the bucket or its permissions. */
  ObjectStoreRejected: 'final',
  /** Another attempt (maybe on another worker) holds the claim to send this message; retryable once its lease ends. */
  SendInProgress: 'retryable',

  /** No activity runs the action named; final: the playbook names an unknown or workflow-only action. */
  UnknownAction: 'final',
  /** A step's parameters fail the action's schema; final: fix the playbook's `with`. */
  InvalidParameters: 'final',
  /** A destructive step aims at a protected principal (warden.yaml `protected:`) without a person's approval; final: nothing was applied. */
  ProtectedPrincipal: 'final',
  /** The provider a step or collection needs is not configured; final: configure it (the message says how). */
  ProviderNotConfigured: 'final',
  /** A step's templates could not be evaluated (recorded on the step, never thrown); fix the playbook. */
  TemplateError: 'final',

  /** The offboarding input is invalid (effectiveAt, retentionDays); final: fix the request. */
  InvalidOffboardingInput: 'final',
  /** No directory is configured; final: list people under people: in warden.yaml. */
  DirectoryNotConfigured: 'final',
  /** The person is not in the directory; final: add them under people: in warden.yaml. */
  UnknownPerson: 'final',
  /** An offboarding item only a person can do (recorded on the item, never thrown); do it, then waive the item. */
  ManualStep: 'final',

  /** The access policy is invalid; final: fix the policy files named. */
  InvalidAccessPolicy: 'final',
  /** An access-review input or collection cursor is invalid; final: fix the campaign input. */
  InvalidReviewInput: 'final',
  /** The access-review settings are invalid; final: fix warden.yaml. */
  ReviewConfiguration: 'final',
  /** The AI inventory's rules file (policy/inventory-rules.yaml) is missing or invalid; final: fix the field named. */
  InventoryRulesInvalid: 'final',
  /** The review state given belongs to another campaign; final: pass that campaign's state. */
  CampaignMismatch: 'final',
  /** A campaign, batch or reviewer the review store should hold is not there (written to another worker's store?); final: give every worker one shared store. */
  ReviewDataMissing: 'final',

  /** An encrypted payload names a key the keyring lacks; final: add it to WARDEN_ENCRYPTION_KEYS or the key file. */
  UnknownEncryptionKey: 'final',
  /** An encrypted payload is truncated or fails authentication; final: it was altered or damaged. */
  CorruptPayload: 'final',
} as const satisfies Record<string, 'retryable' | 'final'>;

/** One kind of failure: the ApplicationFailure `type` string. */
export type FailureKind = keyof typeof KINDS;

/** The failure kinds by name; each value is its own name, byte for byte. */
export const FailureKind = Object.freeze(Object.fromEntries(Object.keys(KINDS).map((kind) => [kind, kind]))) as { readonly [K in keyof typeof KINDS]: K };

/** True when Temporal retries failures of this kind. */
export function isRetryable(kind: FailureKind): boolean {
  return KINDS[kind] === 'retryable';
}

export interface FailureOptions {
  /** How long Temporal waits before the next attempt (a retryable kind's Retry-After). */
  readonly nextRetryDelay?: Duration;
  readonly details?: readonly unknown[];
  readonly cause?: Error;
}

/** The ApplicationFailure of `kind`, retryable exactly when the kind is. */
export function failure(kind: FailureKind, message: string, opts: FailureOptions = {}): ApplicationFailure {
  return new ApplicationFailure(message, kind, !isRetryable(kind), [...(opts.details ?? [])], opts.cause, opts.nextRetryDelay);
}

/** The ApplicationFailure an error is or wraps (an ActivityFailure's or ChildWorkflowFailure's cause), if any. */
export function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 16 && e instanceof TemporalFailure; depth++) {
    if (e instanceof ApplicationFailure) return e;
    e = e.cause;
  }
  return undefined;
}

/** True when `err` is, or wraps, an ApplicationFailure of `kind`. */
export function isFailureKind(err: unknown, kind: FailureKind): err is TemporalFailure {
  return applicationFailureOf(err)?.type === kind;
}
