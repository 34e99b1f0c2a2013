import { failure, FailureKind } from './failures.js';

const KEY_CHARACTERS = /^[A-Za-z0-9._\-/]+$/;

/** The problem with an evidence key, or undefined when it is a plain relative path. */
export function evidenceKeyProblem(key: string): string | undefined {
  if (!KEY_CHARACTERS.test(key)) return 'may contain only letters, digits, ".", "_", "-" and "/"';
  if (key.startsWith('/')) return 'is absolute';
  for (const segment of key.split('/')) {
    if (segment === '') return 'has an empty path segment';
    if (segment === '.' || segment === '..') return `has a "${segment}" path segment`;
  }
  return undefined;
}

/** Throws a non-retryable `InvalidEvidenceKey` unless `key` is a plain relative path (every evidence store checks keys the same way). */
export function checkEvidenceKey(key: string): void {
  const problem = evidenceKeyProblem(key);
  if (problem) throw failure(FailureKind.InvalidEvidenceKey, `evidence key ${JSON.stringify(key)} ${problem}; use a relative path like incidents/incident-42/snapshot-detect.json`);
}
