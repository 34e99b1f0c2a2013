/**
 * Decisions signed by the server: the approval Update carries an Ed25519 signature over the
 * decision, the workflow it is for, the plan it approves and the time, and the workflow checks it
 * against the public key in its input. Pure JS (noble), so the same code signs in the server and
 * verifies in the workflow sandbox.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { ApprovalDecision } from './incident.js';

/** A signature older than this (or this far in the future) is refused. */
export const DECISION_MAX_AGE_MS = 5 * 60_000;
const HEX64 = /^[0-9a-f]{64}$/;

/** JSON with object keys sorted, so that a digest does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface PlanIdentity {
  readonly action: string;
  readonly params: unknown;
  readonly playbook: { readonly id: string; readonly version: number; readonly sha256: string };
}

/** The digest an approval is bound to: the action, its resolved parameters and the playbook version. */
export function planDigest(plan: PlanIdentity): string {
  return `sha256:${bytesToHex(sha256(utf8ToBytes(canonicalJson(plan))))}`;
}

function message(workflowId: string, d: ApprovalDecision, signedPlan: string, at: string): Uint8Array {
  const { stepId, decision, approver, via, reason } = d;
  return utf8ToBytes(canonicalJson({ v: 1, workflowId, stepId, decision, approver: { id: approver.id, groups: [...approver.groups] }, via, reason, planDigest: signedPlan, at }));
}

export interface DecisionSigner {
  /** The public key (hex) that incidents started by this server carry in their input. */
  readonly publicKey: string;
  /** The decision with its signature, for `workflowId` and the plan the decider was shown, at `atMs` (now). */
  sign(workflowId: string, d: ApprovalDecision, signedPlan: string, atMs?: number): ApprovalDecision;
}

/** A signer over a 32-byte Ed25519 secret key given as 64 hex characters. */
export function createDecisionSigner(secretKeyHex: string): DecisionSigner {
  const key = secretKeyHex.trim().toLowerCase();
  if (!HEX64.test(key)) throw new Error('the decision signing key must be 64 hex characters (32 bytes)');
  const secret = hexToBytes(key);
  return {
    publicKey: bytesToHex(ed25519.getPublicKey(secret)),
    sign(workflowId, d, signedPlan, atMs = Date.now()) {
      const at = new Date(atMs).toISOString();
      const sig = bytesToHex(ed25519.sign(message(workflowId, d, signedPlan, at), secret));
      return { ...d, signature: { at, planDigest: signedPlan, sig } };
    },
  };
}

/**
 * Why the decision's signature does not hold for this workflow and plan at `nowMs`, or undefined
 * when it does. Never throws.
 */
export function decisionSignatureProblem(publicKeyHex: string, workflowId: string, d: ApprovalDecision, currentPlan: string, nowMs: number): string | undefined {
  const s = d.signature;
  if (!s || typeof s.sig !== 'string' || typeof s.at !== 'string' || typeof s.planDigest !== 'string') {
    return 'unsigned decision: decisions must come through Warden (API, CLI or Slack), which signs them';
  }
  let valid = false;
  try {
    valid = ed25519.verify(hexToBytes(s.sig), message(workflowId, d, s.planDigest, s.at), hexToBytes(publicKeyHex));
  } catch {
    valid = false;
  }
  if (!valid) return 'forged decision: its signature does not match this incident, step, decider and decision';
  if (s.planDigest !== currentPlan) return `plan changed: the decision was for plan ${s.planDigest}, the step's plan is now ${currentPlan}`;
  const at = Date.parse(s.at);
  if (!Number.isFinite(at) || Math.abs(nowMs - at) > DECISION_MAX_AGE_MS) return `stale decision: signed at ${s.at}, more than 5 minutes from now`;
  return undefined;
}
