import { z } from 'zod';
import { failure, FailureKind } from '../../contracts/failures.js';
import { defineAction, requireDep } from '../types.js';

const describe = (p: { method: string; url: string }): string[] => [`${p.method} ${new URL(p.url).origin}${new URL(p.url).pathname}`];

/** An outbound HTTP call for custom integrations, only to allowlisted hosts, with a timeout. */
export const httpRequest = defineAction({
  name: 'http.request',
  title: 'HTTP request',
  kind: 'http',
  destructive: false,
  templates: { url: 'url', headers: 'header' },
  params: z.strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    url: z.url({ protocol: /^https?$/ }),
    headers: z.record(z.string(), z.string()).optional(),
    json: z.unknown().optional(),
    timeout: z.number().int().min(100).max(60_000).default(10_000).describe('milliseconds'),
    expectStatus: z.array(z.number().int()).optional().describe('statuses that count as success (default 2xx)'),
  }),
  describe,
  async run(p, ctx, dryRun) {
    const plan = describe(p);
    if (dryRun) return { status: 'planned', plan, output: {} };
    const http = requireDep(ctx.deps, 'http', 'set WARDEN_HTTP_ALLOWLIST');
    const res = await http.request({
      method: p.method,
      url: p.url,
      headers: { 'idempotency-key': ctx.idempotencyKey, ...(p.json !== undefined ? { 'content-type': 'application/json' } : {}), ...p.headers },
      ...(p.json !== undefined ? { body: JSON.stringify(p.json) } : {}),
      timeoutMs: p.timeout,
    });
    const ok = p.expectStatus ? p.expectStatus.includes(res.status) : res.status >= 200 && res.status < 300;
    if (!ok) throw failure(FailureKind.HttpStatus, `${p.method} ${new URL(p.url).host} answered ${res.status}`);
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { status: 'changed', plan, output: { status: res.status, body: json ?? res.body, truncated: res.truncated } };
  },
});
