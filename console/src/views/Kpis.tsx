import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { IncidentKpis } from '../../../contracts/kpi';
import type { ReviewCampaignKpi } from '../../../contracts/kpi-access';
import { api } from '../api';
import { need, usePoll } from '../poll';

const hours = (m: number | null | undefined): number | null => (m === null || m === undefined ? null : Math.round((m / 60) * 100) / 100);

/** MTTD, MTTA, MTTC and MTTR (p50 and p90, hours) against the targets, and review completion by deadline (GET /v1/kpis). */
export function Kpis() {
  const { data, error } = usePoll(
    async () => need(await api.GET('/v1/kpis', { params: { query: {} } })) as unknown as { incidents: IncidentKpis; reviews: { campaigns: ReviewCampaignKpi[] } },
    [],
    30_000,
  );
  if (error) return <p role="alert">{error}</p>;
  if (!data) return <p role="status">Loading…</p>;
  const k = data.incidents;
  const rows = (['mttd', 'mtta', 'mttc', 'mttr'] as const).map((m) => ({
    metric: m.toUpperCase(),
    p50: hours(k.overall[m].p50Minutes),
    p90: hours(k.overall[m].p90Minutes),
    count: k.overall[m].count,
  }));
  const targets = { mttd: hours(k.targets.mttdMinutes)!, mttr: hours(k.targets.mttrMinutes)! };
  const campaigns = data.reviews.campaigns.map((c) => ({ campaign: c.campaignId, completion: c.completionByDeadline === null ? 0 : Math.round(c.completionByDeadline * 100) }));
  return (
    <section aria-labelledby="kpi-h">
      <h1 id="kpi-h">KPIs</h1>
      <p>
        {k.incidents} incidents from {k.window.since} to {k.window.until}. Targets: MTTD &lt; {targets.mttd} h, MTTR &lt; {targets.mttr} h. {k.breaches.length} breaches.
      </p>
      <figure>
        <figcaption>Incident times in hours (p50 and p90); the lines are the MTTD and MTTR targets</figcaption>
        <div style={{ width: '100%', height: 280 }}>
          <ResponsiveContainer>
            <BarChart data={rows} accessibilityLayer>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="metric" />
              <YAxis unit=" h" domain={[0, (max: number) => Math.ceil(Math.max(max, targets.mttr) * 1.1)]} />
              <Tooltip />
              <Legend />
              <Bar dataKey="p50" fill="#2f6fb0" name="p50 (h)" />
              <Bar dataKey="p90" fill="#8a5fb8" name="p90 (h)" />
              <ReferenceLine y={targets.mttd} stroke="#b36b00" label={`MTTD target ${targets.mttd} h`} />
              <ReferenceLine y={targets.mttr} stroke="#b00020" label={`MTTR target ${targets.mttr} h`} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <table>
        <caption>The same figures</caption>
        <thead>
          <tr>
            <th scope="col">metric</th>
            <th scope="col">incidents</th>
            <th scope="col">p50 (h)</th>
            <th scope="col">p90 (h)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.metric}>
              <th scope="row">{r.metric}</th>
              <td>{r.count}</td>
              <td>{r.p50 ?? '—'}</td>
              <td>{r.p90 ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <figure>
        <figcaption>Access reviews: share of items decided by a person by the deadline (%)</figcaption>
        {campaigns.length === 0 ? (
          <p>No campaigns in the window.</p>
        ) : (
          <div style={{ width: '100%', height: 220 }}>
            <ResponsiveContainer>
              <BarChart data={campaigns} accessibilityLayer>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="campaign" />
                <YAxis unit=" %" domain={[0, 100]} />
                <Tooltip />
                <Bar dataKey="completion" fill="#2e7d32" name="completion by deadline (%)" />
              </BarChart>
            </ResponsiveContainer>
          </div>
        )}
      </figure>
    </section>
  );
}
