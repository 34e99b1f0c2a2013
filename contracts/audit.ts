/**
 * The audit trail's contract: what one record is, how it is chained and sealed, and the one
 * workflow that orders every append (`auditWorkflow`, id `auditWorkflowId(taskQueue)`).
 * Pure and sandbox-safe: the audit workflow chains records with it, `warden audit verify` checks them.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { canonicalJson } from './approval-proof.js';

export const AUDIT_KINDS = [
  'alert.accepted',
  'alert.refused',
  'incident.state',
  'step.applied',
  'approval.requested',
  'approval.vote',
  'approval.decided',
  'offboarding.started',
  'offboarding.approved',
  'offboarding.revoked',
  'offboarding.finished',
  'review.decision',
  'review.enforced',
  'token.use',
  'config.loaded',
  'playbooks.loaded',
  'codec.rotated',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** What a source appends: the audit workflow gives it its place in the chain. */
export interface AuditEntry {
  /** When it happened, at the source (ISO 8601). */
  readonly time: string;
  readonly kind: AuditKind;
  /** Who: a verified identity, a credential's name, or `workflow:<id>` for what a workflow did by itself. Never a secret. */
  readonly actor: string;
  /** What it is about: an incident id, a person, a step (`<incident>/<step>`), a route. */
  readonly subject: string;
  readonly details: Record<string, unknown>;
  /** The idempotency key: the source workflow and its event, or a request's own id. The same key is recorded once. */
  readonly key: string;
}

/** One record of the chain. `hash` is the SHA-256 of the canonical JSON of every other field. */
export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** A batch's seal: the Ed25519 signature over its first and last seq, the hash before it and its head. */
export interface AuditSeal {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly prevHash: string;
  readonly head: string;
  /** The signer's public key (hex), to say which key; verify trusts only the key it is given. */
  readonly publicKey: string;
  readonly sig: string;
}

/** The hash before the first record. */
export const GENESIS_HASH = '0'.repeat(64);

export const AUDIT_WORKFLOW_TYPE = 'auditWorkflow';
/** Appends entries; the workflow records each key once. */
export const auditAppendSignal = defineSignal<[entries: AuditEntry[]]>('audit.append');
/** The chain's head as the workflow knows it: the last seq and hash, and how many records are not yet written. */
export const auditHeadQuery = defineQuery<AuditHead>('audit.head');

export interface AuditHead {
  readonly seq: number;
  readonly head: string;
  readonly unwritten: number;
}

/** The one audit workflow of a deployment (its task queue): `warden-audit` on the `warden` queue. */
export function auditWorkflowId(taskQueue: string): string {
  return taskQueue === 'warden' ? 'warden-audit' : `warden-audit-${taskQueue}`;
}

/** The SHA-256 (hex) of a record without its hash. */
export function auditRecordHash(record: Omit<AuditRecord, 'hash'> & { hash?: string }): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson({ ...record, hash: undefined }))));
}

/** The next record of the chain after `prevHash`. */
export function chainRecord(entry: AuditEntry, seq: number, prevHash: string): AuditRecord {
  const unhashed = { seq, time: entry.time, kind: entry.kind, actor: entry.actor, subject: entry.subject, details: entry.details, key: entry.key, prevHash };
  return { ...unhashed, hash: auditRecordHash(unhashed) };
}

function sealMessage(s: Omit<AuditSeal, 'sig' | 'publicKey'>): Uint8Array {
  return utf8ToBytes(`warden-audit-seal/v1\n${canonicalJson({ firstSeq: s.firstSeq, lastSeq: s.lastSeq, prevHash: s.prevHash, head: s.head })}`);
}

/** Seals a batch of consecutive records with a 32-byte Ed25519 secret key (hex). Deterministic: a retry seals the same. */
export function sealBatch(records: readonly AuditRecord[], secretKeyHex: string): AuditSeal {
  const first = records[0];
  const last = records[records.length - 1];
  if (!first || !last) throw new Error('an empty batch is not sealed');
  const secret = hexToBytes(secretKeyHex);
  const body = { firstSeq: first.seq, lastSeq: last.seq, prevHash: first.prevHash, head: last.hash };
  return { ...body, publicKey: bytesToHex(ed25519.getPublicKey(secret)), sig: bytesToHex(ed25519.sign(sealMessage(body), secret)) };
}

/** Whether `seal` was signed by `publicKeyHex`. */
export function sealIsGenuine(seal: AuditSeal, publicKeyHex: string): boolean {
  try {
    return ed25519.verify(hexToBytes(seal.sig), sealMessage(seal), hexToBytes(publicKeyHex));
  } catch {
    return false;
  }
}

/** The public key (hex) of an audit secret key (hex). */
export function auditPublicKey(secretKeyHex: string): string {
  return bytesToHex(ed25519.getPublicKey(hexToBytes(secretKeyHex)));
}
