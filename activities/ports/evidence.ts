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
  /** The object under `key`; undefined when none was written (the caller decides whether that is an error). */
  get(key: string): Promise<Uint8Array | undefined>;
  /** The key of an object this store wrote, from its `uri`; undefined when the URI is not in this store. */
  keyOf(uri: string): string | undefined;
}
