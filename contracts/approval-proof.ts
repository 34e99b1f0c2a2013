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
import type { OffboardingApproveRequest } from './offboarding.js';

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

/** An offboarding approval: the approver, their person in the directory and reason, for one offboarding. */
function approvalMessage(workflowId: string, req: OffboardingApproveRequest, at: string): Uint8Array {
  return utf8ToBytes(canonicalJson({ v: 1, kind: 'offboarding.approve', workflowId, decision: 'approve', approver: req.by, person: req.person, reason: req.reason, at }));
}

export interface DecisionSigner {
  /** The public key (hex) that incidents and offboardings started by this server carry in their input. */
  readonly publicKey: string;
  /** The decision with its signature, for `workflowId` and the plan the decider was shown, at `atMs` (now). */
  sign(workflowId: string, d: ApprovalDecision, signedPlan: string, atMs?: number): ApprovalDecision;
  /** An offboarding's second-person approval with its signature, for `workflowId`, at `atMs` (now). */
  signOffboardingApproval(workflowId: string, req: OffboardingApproveRequest, atMs?: number): OffboardingApproveRequest;
}

/** A signer over a 32-byte Ed25519 secret key given as 64 hex characters. */
export function createDecisionSigner(secretKeyHex: string): DecisionSigner {
  const key = secretKeyHex.trim().toLowerCase();
  if (!HEX64.test(key)) throw new Error('the decision signing key must be 64 hex characters (32 bytes)');
  const secret = hexToBytes(key);
  const signAt = (atMs: number, msg: (at: string) => Uint8Array) => {
    const at = new Date(atMs).toISOString();
    return { at, sig: bytesToHex(ed25519.sign(msg(at), secret)) };
  };
  return {
    publicKey: bytesToHex(ed25519.getPublicKey(secret)),
    sign(workflowId, d, signedPlan, atMs = Date.now()) {
      return { ...d, signature: { ...signAt(atMs, (at) => message(workflowId, d, signedPlan, at)), planDigest: signedPlan } };
    },
    signOffboardingApproval(workflowId, req, atMs = Date.now()) {
      return { ...req, signature: signAt(atMs, (at) => approvalMessage(workflowId, req, at)) };
    },
  };
}

const UNSIGNED = 'must come through Warden (API, CLI or Slack), which signs them';

/** Whether `sig` (hex) is the key's Ed25519 signature of `msg`. Never throws. */
function verifies(publicKeyHex: string, sig: string, msg: () => Uint8Array): boolean {
  try {
    return ed25519.verify(hexToBytes(sig), msg(), hexToBytes(publicKeyHex));
  } catch {
    return false;
  }
}

function staleProblem(what: string, signedAt: string, nowMs: number): string | undefined {
  const at = Date.parse(signedAt);
  if (!Number.isFinite(at) || Math.abs(nowMs - at) > DECISION_MAX_AGE_MS) return `stale ${what}: signed at ${signedAt}, more than 5 minutes from now`;
  return undefined;
}

/**
 * Why the decision's signature does not hold for this workflow and plan at `nowMs`, or undefined
 * when it does. Never throws.
 */
export function decisionSignatureProblem(publicKeyHex: string, workflowId: string, d: ApprovalDecision, currentPlan: string, nowMs: number): string | undefined {
  const s = d.signature;
  if (!s || typeof s.sig !== 'string' || typeof s.at !== 'string' || typeof s.planDigest !== 'string') {
    return `unsigned decision: decisions ${UNSIGNED}`;
  }
  if (!verifies(publicKeyHex, s.sig, () => message(workflowId, d, s.planDigest, s.at))) return 'forged decision: its signature does not match this incident, step, decider and decision';
  if (s.planDigest !== currentPlan) return `plan changed: the decision was for plan ${s.planDigest}, the step's plan is now ${currentPlan}`;
  return staleProblem('decision', s.at, nowMs);
}

/**
 * Why an offboarding approval's signature does not hold for this offboarding at `nowMs`, or
 * undefined when it does. Never throws.
 */
export function offboardingApprovalProblem(publicKeyHex: string, workflowId: string, req: OffboardingApproveRequest, nowMs: number): string | undefined {
  const s = req?.signature;
  if (!s || typeof s.sig !== 'string' || typeof s.at !== 'string') return `unsigned approval: approvals ${UNSIGNED}`;
  if (!verifies(publicKeyHex, s.sig, () => approvalMessage(workflowId, req, s.at))) return 'forged approval: its signature does not match this offboarding, approver and reason';
  return staleProblem('approval', s.at, nowMs);
}
