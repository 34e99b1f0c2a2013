import { useState } from 'react';
import { api, errorText, mayChange, type Session } from '../api';
import { need, usePoll } from '../poll';
import { Decide } from './Decide';

/** Access-review campaigns: my queues (from GET /v1/approvals), a campaign's progress, and one queue with keep or revoke. */
export function Reviews({ session, campaign, reviewer }: { session: Session; campaign?: string; reviewer?: string }) {
  const { data: mine } = usePoll(async () => need(await api.GET('/v1/approvals')).approvals.filter((a) => a.kind === 'review-items'), []);
  return (
    <section aria-labelledby="reviews-h">
      <h1 id="reviews-h">Access reviews</h1>
      <h2>My queues</h2>
      {mine && mine.length === 0 && <p>No review waits on you.</p>}
      <ul>
        {(mine ?? []).map((a) => (
          <li key={`${a.campaignId}/${a.reviewer}`}>
            <a href={`#/reviews/${encodeURIComponent(a.campaignId ?? '')}/${encodeURIComponent(a.reviewer ?? '')}`}>
              {a.campaignId}: {a.open} open items for {a.reviewer}
            </a>{' '}
            (deadline {a.deadline})
          </li>
        ))}
      </ul>
      {campaign && <Campaign id={campaign} />}
      {campaign && reviewer && <Queue campaign={campaign} reviewer={reviewer} allowed={mayChange(session) || session.person === reviewer} />}
    </section>
  );
}

function Campaign({ id }: { id: string }) {
  const { data, error } = usePoll(async () => need(await api.GET('/v1/reviews/{id}', { params: { path: { id } } })), [id], 5000);
  if (error) return <p role="alert">{error}</p>;
  if (!data) return <p role="status">Loading campaign…</p>;
  const counts = data.counts as Record<string, unknown>;
  return (
    <>
      <h2>Campaign {data.campaignId}</h2>
      <p>
        Phase {data.phase} · deadline {data.deadline ?? '—'} · completion {data.completionRate === undefined ? '—' : `${Math.round(Number(data.completionRate) * 100)} %`} ·{' '}
        <a href={`/v1/reviews/${encodeURIComponent(id)}/report`} download>
          evidence pack
        </a>
      </p>
      <dl className="counts">
        {['entitlements', 'flagged', 'reviewers', 'decided', 'kept', 'revoked'].map((k) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{typeof counts[k] === 'number' ? counts[k] : 0}</dd>
          </div>
        ))}
      </dl>
      <Progress id={id} />
    </>
  );
}

/** Progress by reviewer: how many items each holds and has decided (counts only). */
function Progress({ id }: { id: string }) {
  const { data, error } = usePoll(async () => need(await api.GET('/v1/reviews/{id}/reviewers', { params: { path: { id }, query: { limit: 200 } } })).reviewers, [id], 5000);
  if (error) return <p role="alert">{error}</p>;
  if (!data) return <p role="status">Loading the reviewers…</p>;
  return (
    <table>
      <caption>Progress by reviewer</caption>
      <thead>
        <tr>
          <th scope="col">Reviewer</th>
          <th scope="col">Decided</th>
          <th scope="col">Phase</th>
          <th scope="col">Escalated to</th>
        </tr>
      </thead>
      <tbody>
        {data.map((r) => (
          <tr key={r.reviewer}>
            <th scope="row">{r.reviewer}</th>
            <td>{r.error ?? `${r.decided ?? 0} of ${r.items ?? 0}`}</td>
            <td>{r.phase ?? r.status.toLowerCase()}</td>
            <td>{r.escalatedTo ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Items shown per page of a queue. */
const QUEUE_PAGE = 200;

/** A reviewer's items: keep or revoke one by one with a reason, or the selected ones at once (the reviewer, or a responder, decides; the API checks). */
function Queue({ campaign, reviewer, allowed }: { campaign: string; reviewer: string; allowed: boolean }) {
  // A page of items at a time: a reviewer may hold 50,000.
  const [offset, setOffset] = useState(0);
  const { data, error, reload } = usePoll(
    async () => need(await api.GET('/v1/reviews/{id}/reviewers/{reviewer}', { params: { path: { id: campaign, reviewer }, query: { offset, limit: QUEUE_PAGE } } })),
    [campaign, reviewer, offset],
  );
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkMessage, setBulkMessage] = useState('');
  const send = async (decisions: { item: string; decision: 'keep' | 'revoke'; reason?: string }[]) => {
    const r = await api.POST('/v1/reviews/{id}/decisions', { params: { path: { id: campaign } }, body: { reviewer, decisions } });
    return { ok: r.response.ok, error: r.error, status: r.response.status };
  };
  if (error) return <p role="alert">{error}</p>;
  if (!data) return <p role="status">Loading queue…</p>;
  const page = 'page' in data ? data.page : undefined;
  const total = page?.total ?? data.items.length;
  const open = total - (page?.decided ?? Object.keys(data.decisions).length);
  const turn = (to: number) => {
    setSelected([]);
    setOffset(to);
  };
  const bulk = async (decision: 'keep' | 'revoke') => {
    const r = await send(selected.map((item) => ({ item, decision })));
    setBulkMessage(r.ok ? `recorded: ${decision} × ${selected.length}` : errorText(r.error, r.status));
    setSelected([]);
    reload();
  };
  return (
    <>
      <h2>
        Queue of {reviewer} ({open} open of {total}, phase {data.phase})
      </h2>
      {total > QUEUE_PAGE && (
        <nav aria-label="Queue pages">
          items {offset + 1}–{offset + data.items.length} of {total}{' '}
          <button type="button" disabled={offset === 0} onClick={() => turn(Math.max(0, offset - QUEUE_PAGE))}>
            Previous
          </button>{' '}
          <button type="button" disabled={offset + QUEUE_PAGE >= total} onClick={() => turn(offset + QUEUE_PAGE)}>
            Next
          </button>
        </nav>
      )}
      <fieldset disabled={!allowed || selected.length === 0}>
        <legend>Selected items ({selected.length})</legend>
        <button type="button" onClick={() => void bulk('keep')}>
          Keep selected
        </button>{' '}
        <button type="button" onClick={() => void bulk('revoke')}>
          Revoke selected
        </button>
      </fieldset>
      {bulkMessage && <p role="status">{bulkMessage}</p>}
      <ul className="queue">
        {data.items.map((item) => {
          const done = data.decisions[item.id];
          return (
            <li key={item.id} data-item={item.id}>
              <label>
                <input
                  type="checkbox"
                  disabled={!allowed || !!done}
                  checked={selected.includes(item.id)}
                  onChange={(e) => setSelected((s) => (e.target.checked ? [...s, item.id] : s.filter((x) => x !== item.id)))}
                />{' '}
                <code>{item.id}</code>
              </label>
              {item.flagged ? <span className="badge failed"> flagged</span> : null}
              {item.person ? ` · ${item.person}` : ''}
              {done ? (
                <p data-testid={`decided-${item.id}`}>
                  {done.decision} by {done.by} via {done.via}
                  {done.reason ? `: “${done.reason}”` : ''}
                </p>
              ) : (
                <Decide
                  what={item.id}
                  allowed={allowed}
                  choices={[
                    { value: 'keep', label: 'Keep' },
                    { value: 'revoke', label: 'Revoke' },
                  ]}
                  onDone={reload}
                  send={(choice, reason) => send([{ item: item.id, decision: choice as 'keep' | 'revoke', ...(reason ? { reason } : {}) }])}
                />
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
