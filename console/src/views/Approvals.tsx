import { useState } from 'react';
import { api, mayChange, type Approval, type Session } from '../api';
import { need, usePoll } from '../poll';
import { Decide } from './Decide';

/** What waits on me (GET /v1/approvals), decided through the same routes as the CLI and Slack (the hr role approves offboardings only). */
export function Approvals({ session }: { session: Session }) {
  const { data, error, reload } = usePoll(async () => need(await api.GET('/v1/approvals')).approvals, []);
  // A decided item leaves the list on reload, and its form with it: what was recorded stays said here.
  const [last, setLast] = useState('');
  const done = (message: string) => {
    setLast(message);
    reload();
  };
  return (
    <section aria-labelledby="approvals-h">
      <h1 id="approvals-h">My approvals</h1>
      {error && <p role="alert">{error}</p>}
      {last && (
        <p role="status" className="ok" data-testid="approvals-last">
          {last}
        </p>
      )}
      {data && data.length === 0 && <p>Nothing waits on you.</p>}
      {(data ?? []).map((a, i) => (
        <div className="card" key={`${a.kind}-${keyOf(a)}-${i}`}>
          <Item a={a} allowed={mayChange(session) || (a.kind === 'offboarding' && session.roles.includes('hr'))} onDone={done} />
          <p className="muted">
            CLI: <code>{a.command}</code>
          </p>
        </div>
      ))}
    </section>
  );
}

/** What one approval is about: the step, the person, or the campaign (and reviewer). */
function keyOf(a: Approval): string {
  if (a.kind === 'incident-step') return `${a.incidentId}-${a.stepId}`;
  if (a.kind === 'offboarding') return a.personId;
  return a.kind === 'review-items' ? `${a.campaignId}-${a.reviewer}` : a.campaignId;
}

function Item({ a, allowed, onDone }: { a: Approval; allowed: boolean; onDone: (message: string) => void }) {
  if (a.kind === 'incident-step') return <StepApproval a={a} allowed={allowed} onDone={onDone} />;
  if (a.kind === 'offboarding')
    return (
      <>
        <h2>Offboarding of {a.personId}</h2>
        <p>
          Requested by {a.requestedBy}: {a.reason}
          {a.effectiveAt ? ` (effective ${a.effectiveAt})` : ''} · <a href={`#/offboardings/${encodeURIComponent(a.personId)}`}>details</a>
        </p>
        <Decide
          what={`offboarding of ${a.personId}`}
          allowed={allowed}
          choices={[{ value: 'approve', label: 'Approve' }]}
          onDone={onDone}
          send={async (_c, reason) => {
            const r = await api.POST('/v1/offboardings/{person}/approve', { params: { path: { person: a.personId } }, body: reason ? { reason } : {} });
            return { ok: r.response.ok, error: r.error, status: r.response.status };
          }}
        />
      </>
    );
  if (a.kind === 'review-approval')
    return (
      <>
        <h2>Revocations of campaign {a.campaignId}</h2>
        <p>Approval by {a.group} before anything is revoked.</p>
        <Decide
          what={`revocations of ${a.campaignId}`}
          allowed={allowed}
          choices={[
            { value: 'approve', label: 'Approve' },
            { value: 'reject', label: 'Deny' },
          ]}
          onDone={onDone}
          send={async (choice, reason) => {
            const r = await api.POST('/v1/reviews/{id}/approval', { params: { path: { id: a.campaignId } }, body: { approve: choice === 'approve', ...(reason ? { reason } : {}) } });
            return { ok: r.response.ok, error: r.error, status: r.response.status };
          }}
        />
      </>
    );
  return (
    <>
      <h2>
        Review {a.campaignId}: {a.open} items to decide
      </h2>
      <p>
        Deadline {a.deadline} · <a href={`#/reviews/${encodeURIComponent(a.campaignId)}/${encodeURIComponent(a.reviewer)}`}>open my queue</a>
      </p>
    </>
  );
}

/** An incident step: the exact plan (read from the incident) and its digest, then approve or deny. */
function StepApproval({ a, allowed, onDone }: { a: Extract<Approval, { kind: 'incident-step' }>; allowed: boolean; onDone: (message: string) => void }) {
  const id = a.incidentId;
  const { data: inc } = usePoll(async () => need(await api.GET('/v1/incidents/{id}', { params: { path: { id } } })), [id], 0);
  const step = inc?.steps[a.stepId];
  const may: readonly string[] = a.may;
  return (
    <>
      <h2>
        <a href={`#/incidents/${encodeURIComponent(id)}`}>{id}</a>: step {a.stepId} ({a.action})
      </h2>
      <p>
        {a.title} · deadline {a.deadline}
      </p>
      <p>
        Plan digest <code>{a.planDigest}</code>
      </p>
      <ul aria-label={`Plan of ${a.stepId}`}>
        {(step?.plan ?? []).map((line, i) => (
          <li key={i}>
            <code>{line}</code>
          </li>
        ))}
      </ul>
      <Decide
        what={`step ${a.stepId}`}
        allowed={allowed}
        choices={[
          { value: 'approve', label: 'Approve' },
          { value: 'reject', label: 'Deny' },
        ].filter((c) => may.includes(c.value))}
        onDone={onDone}
        send={async (decision, reason) => {
          const r = await api.POST('/v1/incidents/{id}/approvals/{stepId}', {
            params: { path: { id, stepId: a.stepId } },
            body: { decision: decision as 'approve' | 'reject', ...(reason ? { reason } : {}), ...(a.planDigest ? { plan_digest: a.planDigest } : {}) },
          });
          return { ok: r.response.ok, error: r.error, status: r.response.status };
        }}
      />
    </>
  );
}
