/**
 * Tokenizer for the expression language. It scans character by character (no regular
 * expressions), so its cost is linear in the input whatever the input is.
 */
import { ExpressionError } from './expression-ast.js';

/** Kinds of token. Keywords (`true`, `false`, `null`, `in`) are identifiers; the parser decides. */
export type TokenType = 'ident' | 'number' | 'string' | 'op' | 'eof';

/** One token. `value` is the decoded text for strings, the source text otherwise. */
export interface Token {
  readonly type: TokenType;
  readonly value: string;
  readonly offset: number;
  readonly end: number;
}

/** The tokens (always ending with an `eof` token) and where scanning stopped. */
export interface LexResult {
  readonly tokens: readonly Token[];
  /** Offset just past the last character consumed (past the `}}` when closed by one). */
  readonly end: number;
  /** True when scanning stopped at a closing `}}` (template mode only). */
  readonly closed: boolean;
}

/** Most tokens one expression may have; bounds AST depth and so evaluation recursion. */
export const MAX_TOKENS = 2000;

const TWO_CHAR_OPS: ReadonlySet<string> = new Set(['||', '&&', '==', '!=', '<=', '>=']);
const ONE_CHAR_OPS: ReadonlySet<string> = new Set(['<', '>', '!', '-', '(', ')', '[', ']', '.', ',', '|']);
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t' };
const CHAR_HINTS: Readonly<Record<string, string>> = {
  '=': 'did you mean "=="?',
  '&': 'did you mean "&&"?',
  '{': '"{{" cannot appear inside an expression',
};

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isIdentStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string): boolean => isIdentStart(c) || isDigit(c);

/**
 * Tokenizes `src` from `start`. With `closeWithBraces` (template mode) scanning stops at the
 * first `}}` outside a string literal; offsets are always relative to the whole of `src`.
 */
export function tokenize(src: string, start = 0, closeWithBraces = false): LexResult {
  const tokens: Token[] = [];
  let i = start;
  while (i < src.length) {
    const c = src.charAt(i);
    if (isSpace(c)) {
      i += 1;
    } else if (closeWithBraces && src.startsWith('}}', i)) {
      tokens.push({ type: 'eof', value: '', offset: i, end: i });
      return { tokens, end: i + 2, closed: true };
    } else {
      const token = readToken(src, i);
      if (tokens.length >= MAX_TOKENS) throw new ExpressionError(`expression longer than ${MAX_TOKENS} tokens`, token.offset);
      tokens.push(token);
      i = token.end;
    }
  }
  tokens.push({ type: 'eof', value: '', offset: src.length, end: src.length });
  return { tokens, end: src.length, closed: false };
}

function readToken(src: string, i: number): Token {
  const c = src.charAt(i);
  if (isIdentStart(c)) return readWhile(src, i, 'ident', isIdentPart);
  if (isDigit(c)) return readNumber(src, i);
  if (c === "'" || c === '"') return readString(src, i);
  const two = src.slice(i, i + 2);
  if (TWO_CHAR_OPS.has(two)) return { type: 'op', value: two, offset: i, end: i + 2 };
  if (ONE_CHAR_OPS.has(c)) return { type: 'op', value: c, offset: i, end: i + 1 };
  throw new ExpressionError(`unexpected character ${JSON.stringify(c)}`, i, CHAR_HINTS[c]);
}

function readWhile(src: string, start: number, type: TokenType, accept: (c: string) => boolean): Token {
  let end = start;
  while (end < src.length && accept(src.charAt(end))) end += 1;
  return { type, value: src.slice(start, end), offset: start, end };
}

/** Digits, optionally followed by `.` and more digits. A sign is the unary minus operator. */
function readNumber(src: string, start: number): Token {
  const whole = readWhile(src, start, 'number', isDigit);
  if (src.charAt(whole.end) !== '.' || !isDigit(src.charAt(whole.end + 1))) return whole;
  const fraction = readWhile(src, whole.end + 1, 'number', isDigit);
  return { type: 'number', value: src.slice(start, fraction.end), offset: start, end: fraction.end };
}

/** A single- or double-quoted string; escapes are `\\`, `\'`, `\"`, `\n` and `\t`. */
function readString(src: string, start: number): Token {
  const quote = src.charAt(start);
  const out: string[] = [];
  let i = start + 1;
  while (i < src.length) {
    const c = src.charAt(i);
    if (c === quote) return { type: 'string', value: out.join(''), offset: start, end: i + 1 };
    if (c !== '\\') {
      out.push(c);
      i += 1;
      continue;
    }
    if (i + 1 >= src.length) break;
    const escaped = ESCAPES[src.charAt(i + 1)];
    if (escaped === undefined) {
      throw new ExpressionError(`invalid escape ${JSON.stringify(src.slice(i, i + 2))} in string`, i, 'use \\\\, \\\', \\", \\n or \\t');
    }
    out.push(escaped);
    i += 2;
  }
  throw new ExpressionError('unterminated string starting', start);
}
