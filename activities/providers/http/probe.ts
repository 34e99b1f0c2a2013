import type { EndpointProber } from '../../ports/inventory.js';

/**
 * Probes an endpoint as an outsider would: one GET with no credentials, no cookies and no
 * redirects followed, within `timeoutMs`. Only operator-configured URLs (the inventory rules, the
 * MLflow tracking URI) are probed. What it reads is the status and the WWW-Authenticate header.
 */
export function createEndpointProber(opts: { timeoutMs?: number } = {}): EndpointProber {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  return {
    async probe(url) {
      const clean = new URL(url);
      clean.username = '';
      clean.password = '';
      try {
        const res = await fetch(clean, { method: 'GET', redirect: 'manual', credentials: 'omit', signal: AbortSignal.timeout(timeoutMs) });
        await res.body?.cancel();
        const challenge = res.headers.get('www-authenticate');
        return { url: clean.toString(), status: res.status, ...(challenge ? { wwwAuthenticate: challenge } : {}) };
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        return { url: clean.toString(), error: cause ?? (err as Error).name ?? 'no answer' };
      }
    },
  };
}
