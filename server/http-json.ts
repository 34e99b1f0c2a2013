import type { z } from 'zod';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A user-facing HTTP error: a status, a message and, for validation, the fields at fault. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly details?: readonly { path: string; message: string }[],
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

/** Every error's body: the message, and for validation the fields at fault. */
export interface ErrorBody {
  readonly error: string;
  readonly details?: readonly { readonly path: string; readonly message: string }[];
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Reads the raw body, refusing more than `limit` bytes with 413 before buffering it all. */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `body is ${declared} bytes; the limit is ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `body exceeds the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Requires `application/json` (415 otherwise) and parses the body (400 on bad JSON). */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, `content-type must be application/json (got ${type || 'none'})`);
  }
  return parseJson(await readRawBody(req, limit));
}

/** No route reads JSON nested deeper than this; deeper input would exhaust the stack in validation. */
export const MAX_JSON_DEPTH = 64;

/** Whether arrays and objects nest deeper than `max`, counted outside strings in one pass (before parsing). */
function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Parses a raw body as JSON; 400 naming the syntax error, or the nesting limit, otherwise. */
export function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new HttpError(400, `body is nested too deeply: at most ${MAX_JSON_DEPTH} levels of arrays and objects`, [{ path: '', message: `nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'body is not valid JSON', [{ path: '', message: (err as Error).message }]);
  }
}

/** Validates a parsed body; 400 `invalid <what>` with every field at fault otherwise. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new HttpError(
      400,
      `invalid ${what}`,
      r.error.issues.map((i) => ({ path: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : ''), message: i.message })),
    );
  }
  return r.data;
}
