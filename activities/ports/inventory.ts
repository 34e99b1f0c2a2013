/**
 * What discovery reads at each peer for the AI inventory (issue #19). Read-only: no method
 * changes anything. Each is implemented by the provider of its SDK (activities/providers/…);
 * the inventory feature (activities/inventory/) turns what they read into inventory assets.
 * A failure is the provider's typed ApplicationFailure; an empty list means the peer has none.
 */

/** A registered model with its versions, aliases, tags and who may touch it. */
export interface RegisteredModelRead {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly aliases: Readonly<Record<string, string>>;
  readonly versions: readonly string[];
  /** Each registry user's effective permission on the model (READ, EDIT, MANAGE…), admins as MANAGE. */
  readonly permissions: readonly { readonly user: string; readonly permission: string; readonly admin: boolean }[];
}

export interface ModelRegistryRead {
  /** The server's address, without credentials. */
  readonly where: string;
  /**
   * Every registered model. `permissions` is 'no auth app' when the server runs without
   * authentication (nobody is distinguished: anyone who reaches it may do anything).
   */
  listModels(): Promise<{ readonly models: readonly RegisteredModelRead[]; readonly auth: 'basic-auth' | 'no auth app' }>;
}

export interface BucketRead {
  readonly name: string;
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ObjectStoreRead {
  /** Every bucket with its tags (GetBucketTagging; none is an empty record). */
  listBuckets(): Promise<readonly BucketRead[]>;
  /** Whether at least one object's key starts with `prefix` in `bucket` (ListObjectsV2, one key). */
  holdsObjects(bucket: string, prefix: string): Promise<boolean>;
}

/** One identity-policy statement that lets a principal do something on a resource. */
export interface ResourceGrant {
  readonly principal: string;
  readonly principalKind: 'iam-user' | 'iam-role';
  /** The actions of the statement that match (`s3:GetObject`, `s3:*`…). */
  readonly actions: readonly string[];
  /** Where the grant comes from: `policy AdminData`, `inline ml-read`, `group data-team: policy X`. */
  readonly via: string;
  /** A user's most recent use of any of its access keys (GetAccessKeyLastUsed; console sign-ins are not read), a role's RoleLastUsed, when IAM says. */
  readonly lastUsed?: string;
}

export interface IamUserKeys {
  readonly userName: string;
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly keys: readonly { readonly accessKeyId: string; readonly status: string; readonly createDate?: string; readonly lastUsed?: string; readonly lastService?: string }[];
}

export interface IamAuthorizationRead {
  /**
   * For each resource ARN, every user and role whose identity policies allow one of `actions` on
   * it (Allow statements whose Action and Resource match, Deny statements subtracted; conditions,
   * resource policies, boundaries and SCPs are not evaluated).
   */
  grantsOn(resources: readonly { readonly arn: string; readonly actions: readonly string[] }[]): Promise<Readonly<Record<string, readonly ResourceGrant[]>>>;
  /** The users whose name matches one of `namePatterns` or who carry one of `tags`, with their access keys and each key's last use. */
  keyHolders(match: { readonly namePatterns: readonly string[]; readonly tags: Readonly<Record<string, string>> }): Promise<readonly IamUserKeys[]>;
}

export interface ServingEndpointRead {
  readonly name: string;
  readonly arn: string;
  readonly status: string;
  readonly createdAt?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface EndpointCatalogRead {
  /** Every SageMaker (or other) serving endpoint of the account and region. */
  listEndpoints(): Promise<readonly ServingEndpointRead[]>;
}

export interface RepositoryRead {
  /** `owner/name` */
  readonly repo: string;
  readonly topics: readonly string[];
  readonly collaborators: readonly { readonly login: string; readonly permission: string }[];
}

export interface CodeHostRead {
  readonly org: string;
  /** The organization's repositories carrying one of `topics` or named in `names`, with their direct collaborators. */
  listRepositories(match: { readonly topics: readonly string[]; readonly names: readonly string[] }): Promise<readonly RepositoryRead[]>;
}

/** What an HTTP endpoint answered to a request sent without any credentials. */
export interface ProbeResult {
  readonly url: string;
  readonly status?: number;
  /** Why no answer came (refused, timed out). */
  readonly error?: string;
  readonly wwwAuthenticate?: string;
}

export interface EndpointProber {
  /** GET `url` with no credentials, no cookies, no redirects followed. */
  probe(url: string): Promise<ProbeResult>;
}

/** The discovery readers; an absent one is a source that is not configured. */
export interface InventoryReaders {
  readonly models?: ModelRegistryRead;
  readonly buckets?: ObjectStoreRead;
  readonly iam?: IamAuthorizationRead;
  readonly endpoints?: EndpointCatalogRead;
  readonly code?: CodeHostRead;
  readonly prober?: EndpointProber;
}
