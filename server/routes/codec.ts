import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { HttpError, readJsonBody } from '../http-json.js';
import { route, type Params, type Route, type Send } from '../router.js';
import type { CodecPayload } from '../api-responses.js';

export interface CodecEndpointOptions {
  readonly codec: PayloadCodec;
  /** Origins allowed to call from a browser (the Temporal Web UI). */
  readonly corsOrigins: readonly string[];
  /** Every request must carry `Authorization: Bearer <token>`: whoever reaches the endpoint could otherwise decrypt with it. */
  readonly token: string;
  /** With keys configured: the encoding of an encrypted payload. /decode then refuses any other, except `binary/null`, which Temporal itself writes unencrypted. */
  readonly encryptedEncoding?: string;
}

const BODY_LIMIT = 8 * 1024 * 1024;
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const body = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })),
});

const toPayload = (p: z.infer<typeof body>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
/** A payload in the remote-codec protocol's JSON (base64 values). */
export const fromPayload = (p: Payload): CodecPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

type CodecAnswers = { readonly 200: 'CodecPayloads' };
const CODEC_ANSWERS: CodecAnswers = { 200: 'CodecPayloads' };

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Encodings Temporal writes itself without going through the codec: passed through by /decode. */
const TEMPORAL_PLAIN_ENCODINGS = new Set(['binary/null']);

/** 422 when a payload to decode is neither encrypted nor one of Temporal's own metadata encodings: the codec is not a general-purpose decoder. */
function refusePlaintext(payloads: z.infer<typeof body>['payloads'], encrypted: string): void {
  const details = payloads.flatMap((p, i) => {
    const encoding = Buffer.from(p.metadata?.encoding ?? '', 'base64').toString('utf8');
    return encoding === encrypted || TEMPORAL_PLAIN_ENCODINGS.has(encoding)
      ? []
      : [{ path: `payloads.${i}.metadata.encoding`, message: `is ${JSON.stringify(encoding || '(none)')}: with keys configured, only ${encrypted} payloads (and binary/null) are decoded` }];
  });
  if (details.length > 0) throw new HttpError(422, 'plaintext payload refused', details);
}

/**
 * The Temporal remote-codec protocol (what the Web UI and `temporal --codec-endpoint` call):
 * POST /codec/encode and /codec/decode with `{ payloads: [{ metadata, data }] }`, base64 values.
 */
export function codecRoutes(o: CodecEndpointOptions): Route[] {
  const cors = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (!origin || !o.corsOrigins.includes(origin)) return {};
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type, x-namespace, authorization',
      'access-control-max-age': '600',
      vary: 'origin',
    };
  };

  const authorize = (req: IncomingMessage): void => {
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Compare digests so the comparison is constant-time whatever the lengths.
    if (!given || !timingSafeEqual(digest(given), digest(o.token))) {
      throw new HttpError(401, 'codec endpoint requires Authorization: Bearer <WARDEN_CODEC_TOKEN>', undefined, { 'www-authenticate': 'Bearer' });
    }
  };

  const handler = (op: 'encode' | 'decode') => async (req: IncomingMessage, _res: ServerResponse, _params: Params, send: Send<CodecAnswers>) => {
    const headers = cors(req);
    if (req.headers.origin && !headers['access-control-allow-origin']) {
      throw new HttpError(403, `origin ${req.headers.origin} is not allowed; add it to WARDEN_CODEC_CORS_ORIGINS`);
    }
    try {
      authorize(req);
      const parsed = body.safeParse(await readJsonBody(req, BODY_LIMIT));
      if (!parsed.success) {
        throw new HttpError(
          400,
          'invalid codec request',
          parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        );
      }
      if (op === 'decode' && o.encryptedEncoding) refusePlaintext(parsed.data.payloads, o.encryptedEncoding);
      let out: Payload[];
      try {
        out = await o.codec[op](parsed.data.payloads.map(toPayload));
      } catch (err) {
        throw new HttpError(422, `cannot ${op}: ${(err as Error).message}`);
      }
      send(200, { payloads: out.map(fromPayload) }, headers);
    } catch (err) {
      // Browsers only show an error body to the UI when CORS headers come with it.
      if (err instanceof HttpError) throw new HttpError(err.status, err.message, err.details, { ...err.headers, ...headers });
      throw err;
    }
  };

  const preflight = async (req: IncomingMessage, res: ServerResponse) => {
    const headers = cors(req);
    if (!headers['access-control-allow-origin']) {
      throw new HttpError(403, `origin ${req.headers.origin ?? '(none)'} is not allowed; add it to WARDEN_CODEC_CORS_ORIGINS`);
    }
    res.writeHead(204, headers);
    res.end();
  };

  return [
    route({ method: 'POST', path: '/codec/encode', responses: CODEC_ANSWERS, handle: handler('encode') }),
    route({ method: 'POST', path: '/codec/decode', responses: CODEC_ANSWERS, handle: handler('decode') }),
    { method: 'OPTIONS', path: '/codec/encode', handle: preflight },
    { method: 'OPTIONS', path: '/codec/decode', handle: preflight },
  ];
}
