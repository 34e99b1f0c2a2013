import { api, mayChange, type Session, type StepState } from '../api';
import { need, usePoll } from '../poll';
import { Decide } from './Decide';

const PHASES = ['detect', 'contain', 'eradicate', 'recover', 'lessons'] as const;
const show = (v: unknown): string => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** One incident: its alerts, its steps by phase with their state, who approved what and why, before and after at the peer, its timeline. */
export function IncidentDetail({ id, session }: { id: string; session: Session }) {
  const { data: inc, error, reload } = usePoll(async () => need(await api.GET('/v1/incidents/{id}', { params: { path: { id } } })), [id]);
  if (error && !inc) return <p role="alert">{error}</p>;
  if (!inc) return <p role="status">Loading…</p>;
  const steps = Object.values(inc.steps);
  return (
    <article aria-labelledby="inc-h">
      <p>
        <a href="#/incidents">← All incidents</a>
      </p>
      <h1 id="inc-h">
        {inc.incidentId}: {inc.title}
      </h1>
      <p>
        State{' '}
        <span className={`badge ${inc.status}`} data-testid="incident-status">
          {inc.status}
        </span>{' '}
        · severity {inc.severity} · playbook {inc.playbook.id} v{inc.playbook.version} · phase {inc.phase}
        {inc.dryRun ? ' · dry run' : ''}
      </p>
      <section aria-labelledby="alerts-h">
        <h2 id="alerts-h">Alerts ({inc.alerts.count})</h2>
        <ul>
          {inc.alerts.recent.map((a, i) => {
            const alert = a as { title?: string; type?: string; source?: string; received_at?: string; severity?: string };
            return (
              <li key={i}>
                {alert.received_at} · {alert.source} · {alert.type} · {alert.severity}: {alert.title}
              </li>
            );
          })}
        </ul>
      </section>
      {PHASES.filter((p) => steps.some((s) => s.phase === p)).map((phase) => (
        <section key={phase} aria-labelledby={`phase-${phase}`}>
          <h2 id={`phase-${phase}`}>Phase: {phase}</h2>
          {steps
            .filter((s) => s.phase === phase)
            .map((s) => (
              <Step key={s.id} incidentId={inc.incidentId} step={s} allowed={mayChange(session)} onDone={reload} />
            ))}
        </section>
      ))}
      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">Timeline</h2>
        <ol className="timeline">
          {inc.timeline.map((t, i) => (
            <li key={i}>
              <time dateTime={t.at}>{t.at}</time> {t.event}
              {t.by ? ` (by ${t.by})` : ''}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}

/** Whether the step stored an evidence file (its output names the key, uri and sha256), for the download link. */
const storedEvidence = (step: StepState): boolean => {
  const o = step.output as { key?: unknown; uri?: unknown; sha256?: unknown } | undefined;
  return ['applied', 'already_so', 'succeeded'].includes(step.status) && typeof o?.key === 'string' && typeof o.uri === 'string' && typeof o.sha256 === 'string';
};

function Step({ incidentId, step, allowed, onDone }: { incidentId: string; step: StepState; allowed: boolean; onDone: () => void }) {
  const approval = step.approval;
  const observed = step.observed as { before?: Record<string, unknown>; after?: Record<string, unknown> } | undefined;
  const keys = [...new Set([...Object.keys(observed?.before ?? {}), ...Object.keys(observed?.after ?? {})])];
  return (
    <div className="step" data-step={step.id}>
      <h3>
        {step.id} · {step.action} ·{' '}
        <span className={`badge ${step.status}`} data-testid={`step-status-${step.id}`}>
          {step.status}
        </span>
      </h3>
      <p>{step.title}</p>
      {storedEvidence(step) && (
        <p>
          <a href={`/v1/incidents/${encodeURIComponent(incidentId)}/evidence/${encodeURIComponent(step.id)}`} download>
            Download the evidence {step.id} stored
          </a>
        </p>
      )}
      {step.plan && (
        <div>
          Plan:
          <ul>
            {step.plan.map((line, i) => (
              <li key={i}>
                <code>{line}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {approval && (
        <div>
          Approval by {approval.groups.join(', ')} (quorum {approval.quorum}
          {approval.fourEyes ? ', four eyes' : ''}), plan digest <code>{approval.planDigest ?? '—'}</code>
          {approval.outcome ? `: ${approval.outcome}` : ''}
          <ul>
            {approval.votes.map((v, i) => (
              <li key={i}>
                {v.approver} {v.decision} via {v.via} at {v.at}
                {v.reason ? `: “${v.reason}”` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
      {observed && (
        <table className="observed">
          <caption>Before and after, read at the peer</caption>
          <thead>
            <tr>
              <th scope="col">field</th>
              <th scope="col">before</th>
              <th scope="col">after</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{show(observed.before?.[k])}</td>
                <td>{show(observed.after?.[k])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {step.status === 'awaiting-approval' && (
        <Decide
          what={`step ${step.id}`}
          allowed={allowed}
          choices={[
            { value: 'approve', label: 'Approve' },
            { value: 'reject', label: 'Deny' },
          ]}
          onDone={onDone}
          send={async (decision, reason) => {
            const r = await api.POST('/v1/incidents/{id}/approvals/{stepId}', {
              params: { path: { id: incidentId, stepId: step.id } },
              body: { decision: decision as 'approve' | 'reject', ...(reason ? { reason } : {}), ...(approval?.planDigest ? { plan_digest: approval.planDigest } : {}) },
            });
            return { ok: r.response.ok, error: r.error, status: r.response.status };
          }}
        />
      )}
    </div>
  );
}
