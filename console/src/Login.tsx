import { useEffect, useState, type FormEvent } from 'react';
import { api, errorText, type Session } from './api';

/** Log in with single sign-on when the server offers it, or with an API token (the one-time link of `warden start` logs in without this page). */
export function Login({ onLogin }: { onLogin: (s: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [sso, setSso] = useState<string | null>(null);
  useEffect(() => {
    void api.GET('/console/login-methods').then((r) => setSso(r.data?.oidc?.issuer ?? null));
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api.POST('/console/session', { body: { token } });
    if (r.data) onLogin(r.data);
    else setError(errorText(r.error, r.response.status));
  };
  return (
    <main>
      <h1>Warden console</h1>
      {sso && (
        <p>
          <a href="/console/oidc/login">Log in with single sign-on ({sso})</a>
        </p>
      )}
      <p>
        Open the one-time login link that <code>warden start</code> printed, or log in with your API token.
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} required />
        <button type="submit">Log in</button>
      </form>
      {error && <p role="alert">{error}</p>}
    </main>
  );
}
