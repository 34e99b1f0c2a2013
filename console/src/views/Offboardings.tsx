import { useState } from 'react';
import type { OffboardingState } from '../../../contracts/offboarding';
import { api, type Session } from '../api';
import { need, usePoll } from '../poll';

/** Offboardings: those waiting on me, the recent ones, and one person's: each credential's before and after, the retention timer, the legal hold. */
export function Offboardings({ person }: { session: Session; person?: string }) {
  const [lookup, setLookup] = useState(person ?? '');
  const { data: waiting } = usePoll(async () => need(await api.GET('/v1/approvals')).approvals.filter((a) => a.kind === 'offboarding'), []);
  const { data: all } = usePoll(async () => need(await api.GET('/v1/offboardings', { params: { query: { limit: 50 } } })).offboardings, [], 5000);
  return (
    <section aria-labelledby="off-h">
      <h1 id="off-h">Offboardings</h1>
      <h2>Waiting for an approval</h2>
      {waiting && waiting.length === 0 && <p>None waits on you.</p>}
      <ul>
        {(waiting ?? []).map((a) => (
          <li key={a.personId}>
            <a href={`#/offboardings/${encodeURIComponent(a.personId ?? '')}`}>{a.personId}</a>: requested by {a.requestedBy} ({a.reason}); approve in My approvals
          </li>
        ))}
      </ul>
      <h2>Recent offboardings</h2>
      {all && all.length === 0 && <p>No offboarding yet.</p>}
      <ul>
        {(all ?? []).map((o) => (
          <li key={o.workflowId}>
            <a href={`#/offboardings/${encodeURIComponent(o.person)}`}>{o.person}</a>: {o.status.toLowerCase()}
            {o.dryRun ? ' (dry run)' : ''}, started {o.startTime}
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          window.location.hash = `#/offboardings/${encodeURIComponent(lookup)}`;
        }}
      >
        <label htmlFor="person">Person id</label> <input id="person" value={lookup} onChange={(e) => setLookup(e.target.value)} required /> <button type="submit">Show</button>
      </form>
      {person && <Offboarding person={person} />}
    </section>
  );
}

function Offboarding({ person }: { person: string }) {
  const { data, error } = usePoll(async () => need(await api.GET('/v1/offboardings/{person}', { params: { path: { person } } })) as unknown as OffboardingState, [person], 5000);
  if (error) return <p role="alert">{error}</p>;
  if (!data) return <p role="status">Loading…</p>;
  return (
    <>
      <h2>
        {data.person.name} ({data.personId}): {data.phase}
      </h2>
      <p>
        Requested by {data.requestedBy}: {data.reason}
        {data.dryRun ? ' · dry run' : ''} · legal hold <strong>{data.legalHold.active ? 'ACTIVE' : 'off'}</strong> · retention {data.retention.status}
        {data.retention.dueAt ? `, due ${data.retention.dueAt}` : ''} ({data.retentionDays} days) ·{' '}
        <a href={`/v1/offboardings/${encodeURIComponent(person)}/report`} download>
          report
        </a>
      </p>
      <table>
        <caption>Each credential, before and after</caption>
        <thead>
          <tr>
            <th scope="col">credential</th>
            <th scope="col">stage</th>
            <th scope="col">state</th>
            <th scope="col">before</th>
            <th scope="col">after</th>
          </tr>
        </thead>
        <tbody>
          {data.items.map((i) => (
            <tr key={i.id}>
              <td>{i.credential}</td>
              <td>{i.stage}</td>
              <td>
                {i.status}
                {i.outcome ? ` (${i.outcome})` : ''}
              </td>
              <td>
                <code>{i.before === undefined ? '—' : JSON.stringify(i.before)}</code>
              </td>
              <td>
                <code>{i.after === undefined ? '—' : JSON.stringify(i.after)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
