import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EvidenceStore } from '../../activities/ports/evidence.js';
import { evidenceKeyProblem } from '../../contracts/evidence-key.js';
import type { Directory, Person } from '../../contracts/directory.js';
import type { IdentityConfig } from '../../config/file-config.js';
import { createPersonOfIdentity } from '../../config/person-of.js';
import type { CampaignEvidence, CampaignState } from '../../contracts/reviews.js';
import type { Caller } from '../auth/api-auth.js';
import { HttpError } from '../http-json.js';

/** Who an API caller is in the directory (config/person-of.ts). */
export function createPersonResolver(directory: Directory, identities: readonly IdentityConfig[]): (caller: Caller) => Promise<Person | undefined> {
  const personOf = createPersonOfIdentity(directory, identities);
  return (caller) => personOf(caller.id);
}

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** The evidence entry of a format: by extension, preferring the pack's own names (evidence.*, report.*). */
function entryFor(evidence: readonly CampaignEvidence[], format: ReportFormat): CampaignEvidence | undefined {
  const ofFormat = evidence.filter((e) => e.name.toLowerCase().endsWith(`.${format}`));
  return ofFormat.find((e) => /^(evidence|report)\./i.test(e.name)) ?? ofFormat[0];
}

export interface EvidenceFile {
  readonly name: string;
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** What the server reads evidence through: the workers' store (S3 when configured), so a pack any worker wrote is served. */
export type EvidenceReader = Pick<EvidenceStore, 'get' | 'keyOf'> & { readonly describe: string };

/** The local evidence directory as a reader (the embedded default, and when no store is handed to the server). */
export function localEvidenceReader(evidenceDir: string): EvidenceReader {
  const root = resolve(evidenceDir);
  return {
    describe: `this server's evidence directory ${root} (WARDEN_EVIDENCE_DIR)`,
    keyOf(uri) {
      if (!uri.startsWith('file:')) return undefined;
      const key = relative(root, fileURLToPath(uri)).split('\\').join('/');
      return key && !isAbsolute(key) && !evidenceKeyProblem(key) ? key : undefined;
    },
    async get(key) {
      const body = await readFile(join(root, key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      return body ? new Uint8Array(body) : undefined;
    },
  };
}

/**
 * Reads a campaign's report of one format from the evidence store. 409 (naming the phase) while
 * the campaign has not written it yet; 404 when a finished campaign has none of that format, or
 * the object is not in this server's store; 500 when the stored bytes no longer match the sha256
 * the campaign recorded.
 */
export async function readCampaignReport(evidence: EvidenceReader, state: CampaignState, format: ReportFormat): Promise<EvidenceFile> {
  const entry = entryFor(state.evidence, format);
  if (!entry) {
    if (state.phase !== 'done') throw new HttpError(409, `the report is not ready: campaign ${state.campaignId} is ${state.phase}`);
    throw new HttpError(404, `campaign ${state.campaignId} has no ${format} report (evidence: ${state.evidence.map((e) => e.name).join(', ') || 'none'})`);
  }
  return { name: entry.name, contentType: CONTENT_TYPES[format], body: await readRecordedEvidence(evidence, entry, 'the campaign') };
}

/**
 * The bytes of an evidence file a workflow recorded (its uri and sha256), read from the store and
 * checked against that sha256: 404 when it is not in this store or gone, 500 when it changed.
 */
export async function readRecordedEvidence(evidence: EvidenceReader, entry: { readonly name: string; readonly uri: string; readonly sha256: string }, recordedBy: string): Promise<Uint8Array> {
  const key = evidence.keyOf(entry.uri);
  if (!key) throw new HttpError(404, `${entry.name} is stored at ${entry.uri}, which is not in ${evidence.describe}`);
  const body = await evidence.get(key);
  if (!body) throw new HttpError(404, `${entry.name} (${key}) is missing from ${evidence.describe}`);
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (sha256 !== entry.sha256) throw new HttpError(500, `${entry.name} no longer matches the sha256 ${recordedBy} recorded: the stored evidence was changed`);
  return body;
}

/** `adhoc-20261126T091500Z`: the id of a campaign started without one. */
export function adhocCampaignId(now: Date): string {
  return `adhoc-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}
