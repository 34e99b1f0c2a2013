import type { ActionDeps } from '../../catalog/types.js';
import type { EvidenceRef, OffboardingState } from '../../contracts/offboarding.js';
import type { EvidenceObject } from '../ports/evidence.js';
import { buildOffboardingReport, renderOffboardingMarkdown } from './render/report.js';
import { failure, FailureKind } from '../../contracts/failures.js';

export interface WriteReportInput {
  readonly state: OffboardingState;
  readonly stage: 'revocation' | 'final';
  /** The workflow's time, so a retried write renders the same bytes. */
  readonly generatedAt: string;
}

export interface WrittenReport {
  readonly json: EvidenceRef;
  readonly markdown: EvidenceRef;
  /** The Markdown itself, for the notification. */
  readonly text: string;
}

const ref = (key: string, o: EvidenceObject): EvidenceRef => ({ key, uri: o.uri, sha256: o.sha256 });

/** The report activity, on the evidence store. */
export function createReportActivities(deps: Pick<ActionDeps, 'evidence'>) {
  return {
    /**
     * Renders the offboarding report as JSON and Markdown and writes both to the evidence store
     * under `offboardings/<person>/<run>/report.{json,md}` (`final-report.*` after the retention).
     * Write-once: a retry writes the same bytes and reports the stored objects; no other effect.
     */
    async writeOffboardingReport(input: WriteReportInput): Promise<WrittenReport> {
      const store = deps.evidence;
      if (!store) throw failure(FailureKind.EvidenceNotConfigured, 'the evidence store is not configured: set WARDEN_EVIDENCE_DIR');
      const report = buildOffboardingReport(input.state, input.generatedAt, input.stage);
      const base = `offboardings/${input.state.personId}/${input.state.runTag}/${input.stage === 'final' ? 'final-report' : 'report'}`;
      const text = renderOffboardingMarkdown(report);
      const json = await store.put(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
      const markdown = await store.put(`${base}.md`, text, 'text/markdown');
      return { json: ref(`${base}.json`, json), markdown: ref(`${base}.md`, markdown), text };
    },
  };
}
