import { useState } from 'react';
import { api } from '../api';
import { need, usePoll } from '../poll';

const STATUSES = ['open', 'awaiting-approval', 'contained', 'recovered', 'closed', 'failed', 'cancelled', 'waiting', 'resolved', 'planned', 'false_positive', 'merged'] as const;
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
type Status = (typeof STATUSES)[number];
type Severity = (typeof SEVERITIES)[number];

/** The incidents, filtered by state, severity and playbook, re-read every 3 s. */
export function Incidents() {
  const [status, setStatus] = useState<Status | ''>('');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [playbook, setPlaybook] = useState('');
  const validPlaybook = /^[a-z][a-z0-9-]{0,62}$/.test(playbook) ? playbook : undefined;
  const { data, error } = usePoll(
    async () =>
      need(await api.GET('/v1/incidents', { params: { query: { ...(status ? { status } : {}), ...(severity ? { severity } : {}), ...(validPlaybook ? { playbook: validPlaybook } : {}) } } }))
        .incidents,
    [status, severity, validPlaybook],
  );
  return (
    <section aria-labelledby="incidents-h">
      <h1 id="incidents-h">Incidents</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          State
          <select value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity | '')}>
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Playbook
          <input value={playbook} onChange={(e) => setPlaybook(e.target.value.trim())} placeholder="e.g. leaked-credential" />
        </label>
      </form>
      {error && <p role="alert">{error}</p>}
      <p className="muted" aria-live="polite">
        {data ? `${data.length} incidents, refreshed every 3 s` : 'Loading…'}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Incident</th>
            <th scope="col">Title</th>
            <th scope="col">State</th>
            <th scope="col">Severity</th>
            <th scope="col">Playbook</th>
            <th scope="col">Phase</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((i) => (
            <tr key={i.workflowId} data-incident={i.incidentId}>
              <td>
                <a href={`#/incidents/${encodeURIComponent(i.incidentId)}`}>{i.incidentId}</a>
                {i.dryRun ? ' (dry run)' : ''}
              </td>
              <td>{i.title}</td>
              <td>
                <span className={`badge ${i.status ?? ''}`}>{i.status}</span>
              </td>
              <td>{i.severity}</td>
              <td>{i.playbook}</td>
              <td>{i.phase}</td>
              <td>{i.startTime}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
