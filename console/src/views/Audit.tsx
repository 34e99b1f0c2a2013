import type { AuditRecord } from '../../../contracts/audit';
import { api } from '../api';
import { usePoll } from '../poll';

/** The audit trail (GET /v1/audit): whether the chain and its seals verify, and the latest records. */
export function Audit() {
  const { data, error } = usePoll(
    async () => {
      const r = await api.GET('/v1/audit', { params: { query: { limit: 200 } } });
      if (r.response.status === 404) return { missing: true as const };
      if (!r.response.ok) throw new Error(`${r.response.status} ${(r.error as { error?: string } | undefined)?.error ?? ''}`);
      // The route's answer has no schema in the OpenAPI document; its shape is the audit contract's.
      return r.data as unknown as { verified: boolean; problem?: unknown; total: number; records: AuditRecord[] };
    },
    [],
    10_000,
  );
  if (error) return <p role="alert">{error}</p>;
  if (!data) return <p role="status">Loading…</p>;
  if ('missing' in data)
    return (
      <section aria-labelledby="audit-h">
        <h1 id="audit-h">Audit log</h1>
        <p>This server has no audit trail (WARDEN_AUDIT=off).</p>
      </section>
    );
  return (
    <section aria-labelledby="audit-h">
      <h1 id="audit-h">Audit log</h1>
      <p data-testid="audit-verified" className={data.verified ? 'ok' : 'bad'}>
        {data.verified ? `Verified: ${data.total} records, hash chain and signed seals intact` : `NOT verified: ${JSON.stringify(data.problem)}`}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">seq</th>
            <th scope="col">time</th>
            <th scope="col">kind</th>
            <th scope="col">actor</th>
            <th scope="col">subject</th>
          </tr>
        </thead>
        <tbody>
          {[...data.records].reverse().map((r) => (
            <tr key={r.seq}>
              <td>{r.seq}</td>
              <td>{r.time}</td>
              <td>{r.kind}</td>
              <td>{r.actor}</td>
              <td>{r.subject}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
