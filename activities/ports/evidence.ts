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
