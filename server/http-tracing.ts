import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * One SERVER span per request when tracing is on (temporal/tracing.ts), continuing the caller's
 * trace from its `traceparent` header; the Temporal client calls the request makes are its
 * children. Named `METHOD /route` once the router has matched (routeMatched).
 */
export function tracedHandler(tracer: Tracer | undefined, handler: Handler): Handler {
  if (!tracer) return handler;
  return (req, res) => {
    const parent = propagation.extract(context.active(), req.headers);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    return tracer.startActiveSpan(`${req.method ?? 'HTTP'}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '', 'url.path': path } }, parent, async (span) => {
      try {
        await handler(req, res);
      } finally {
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
  };
}

/** Names the request's span after the route it matched (low cardinality: `/v1/incidents/:id`, not the id). A no-op without tracing. */
export function routeMatched(method: string, route: string): void {
  const span = trace.getActiveSpan();
  span?.updateName(`${method} ${route}`);
  span?.setAttribute('http.route', route);
}
