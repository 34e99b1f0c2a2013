import { useEffect, useState } from 'react';
import { api, setCsrf, type Session } from './api';
import { Login } from './Login';
import { Approvals } from './views/Approvals';
import { Audit } from './views/Audit';
import { IncidentDetail } from './views/IncidentDetail';
import { Incidents } from './views/Incidents';
import { Kpis } from './views/Kpis';
import { Offboardings } from './views/Offboardings';
import { Reviews } from './views/Reviews';

const VIEWS = [
  ['incidents', 'Incidents'],
  ['approvals', 'My approvals'],
  ['offboardings', 'Offboardings'],
  ['reviews', 'Access reviews'],
  ['kpis', 'KPIs'],
  ['audit', 'Audit log'],
] as const;

/** The view is in the hash (#/incidents, #/incidents/<id>, …): the server serves one page. */
function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    void api.GET('/console/session').then((r) => {
      if (r.data) setCsrf(r.data.csrf);
      setSession(r.data ?? null);
    });
  }, []);
  if (session === undefined) return <p role="status">Loading…</p>;
  if (session === null)
    return (
      <Login
        onLogin={(s) => {
          setCsrf(s.csrf);
          setSession(s);
        }}
      />
    );
  const [first, id, sub] = route;
  const view = first || 'incidents';
  const logout = async () => {
    await api.DELETE('/console/session');
    setSession(null);
  };
  return (
    <>
      <header>
        <strong>Warden</strong>
        <nav aria-label="Views">
          <ul>
            {VIEWS.map(([key, label]) => (
              <li key={key}>
                <a href={`#/${key}`} aria-current={view === key ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span data-testid="whoami">
          {session.name ?? session.id} ({session.roles.join(', ')})
        </span>
        <button type="button" onClick={() => void logout()}>
          Log out
        </button>
      </header>
      <main>
        {view === 'incidents' && !id && <Incidents />}
        {view === 'incidents' && id && <IncidentDetail id={id} session={session} />}
        {view === 'approvals' && <Approvals session={session} />}
        {view === 'offboardings' && <Offboardings session={session} {...(id ? { person: id } : {})} />}
        {view === 'reviews' && <Reviews session={session} {...(id ? { campaign: id } : {})} {...(sub ? { reviewer: sub } : {})} />}
        {view === 'kpis' && <Kpis />}
        {view === 'audit' && <Audit />}
      </main>
    </>
  );
}
