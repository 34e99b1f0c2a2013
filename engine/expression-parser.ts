/**
 * Recursive-descent parser. Precedence, lowest first:
 *   pipe `|` < `||` < `&&` < `== !=` < `< <= > >=` < `in` < unary `! -` < postfix `.x` `[i]` < primary.
 * Binary operators are left-associative. Unary `!` binds tighter than `==`, as in JavaScript,
 * so `!a == b` is `(!a) == b`.
 */
import type { BinaryOp, Expr } from './expression-ast.js';
import { ExpressionError } from './expression-ast.js';
import { FILTERS, filterSpec, isFilterName } from './expression-filters.js';
import type { Token } from './expression-lexer.js';
import { tokenize } from './expression-lexer.js';

/** Deepest nesting of parentheses, brackets, filter arguments and unary operators. */
export const MAX_NESTING = 64;

const LEVELS: readonly (readonly BinaryOp[])[] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['in']];
const KEYWORD_LITERALS: Readonly<Record<string, boolean | null>> = { true: true, false: false, null: null };

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly src: string,
  ) {}

  parseAll(): Expr {
    const first = this.peek();
    if (first.type === 'eof') throw new ExpressionError('empty expression', first.offset);
    const expr = this.parsePipe();
    const rest = this.peek();
    if (rest.type !== 'eof') throw this.unexpected(rest, 'an operator, "|" or the end of the expression');
    return expr;
  }

  private peek(): Token {
    const token = this.tokens[this.pos] ?? this.tokens[this.tokens.length - 1];
    if (token === undefined) throw new ExpressionError('empty expression', 0);
    return token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.pos += 1;
    return token;
  }

  private isOp(value: string): boolean {
    const token = this.peek();
    return token.type === 'op' && token.value === value;
  }

  private expectOp(value: string, context: string): Token {
    if (!this.isOp(value)) throw this.unexpected(this.peek(), `"${value}" ${context}`);
    return this.next();
  }

  private unexpected(token: Token, expected: string): ExpressionError {
    if (token.type === 'eof') return new ExpressionError('unexpected end of expression', token.offset, `expected ${expected}`);
    const raw = this.src.slice(token.offset, token.end);
    const text = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
    return new ExpressionError(`unexpected token ${JSON.stringify(text)}`, token.offset, `expected ${expected}`);
  }

  private nested<T>(offset: number, parse: () => T): T {
    if (this.depth >= MAX_NESTING) throw new ExpressionError(`expression nested more than ${MAX_NESTING} levels deep`, offset);
    this.depth += 1;
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  private parsePipe(): Expr {
    let expr = this.parseLevel(0);
    while (this.isOp('|')) {
      this.next();
      expr = this.parseFilter(expr);
    }
    return expr;
  }

  private parseFilter(input: Expr): Expr {
    const nameToken = this.peek();
    if (nameToken.type !== 'ident') throw this.unexpected(nameToken, 'a filter name after "|"');
    this.next();
    const name = nameToken.value;
    if (!isFilterName(name)) {
      throw new ExpressionError(`unknown filter ${JSON.stringify(name)}`, nameToken.offset, `known filters: ${FILTERS.join(', ')}`);
    }
    const args = this.isOp('(') ? this.parseArgs() : [];
    const { minArgs, maxArgs } = filterSpec(name);
    if (args.length < minArgs || args.length > maxArgs) {
      const expected = minArgs === maxArgs ? `${minArgs}` : `${minArgs} to ${maxArgs}`;
      throw new ExpressionError(`filter "${name}" takes ${expected} argument(s), got ${args.length}`, nameToken.offset);
    }
    return { kind: 'filter', name, input, args, offset: nameToken.offset };
  }

  private parseArgs(): Expr[] {
    const open = this.next();
    const args: Expr[] = [];
    if (this.isOp(')')) {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.nested(open.offset, () => this.parsePipe()));
      if (!this.isOp(',')) break;
      this.next();
    }
    this.expectOp(')', 'to close the filter arguments');
    return args;
  }

  private matchLevel(level: number): BinaryOp | undefined {
    const token = this.peek();
    const ops = LEVELS[level] ?? [];
    if (token.type === 'op' || (token.type === 'ident' && token.value === 'in')) {
      return ops.find((op) => op === token.value);
    }
    return undefined;
  }

  private parseLevel(level: number): Expr {
    if (level >= LEVELS.length) return this.parseUnary();
    let left = this.parseLevel(level + 1);
    for (let op = this.matchLevel(level); op !== undefined; op = this.matchLevel(level)) {
      const offset = this.next().offset;
      const right = this.parseLevel(level + 1);
      left = { kind: 'binary', op, left, right, offset };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (!this.isOp('!') && !this.isOp('-')) return this.parsePostfix();
    const opToken = this.next();
    const operand = this.nested(opToken.offset, () => this.parseUnary());
    if (opToken.value === '-' && operand.kind === 'literal' && typeof operand.value === 'number') {
      return { kind: 'literal', value: -operand.value, offset: opToken.offset };
    }
    return { kind: 'unary', op: opToken.value === '!' ? '!' : '-', operand, offset: opToken.offset };
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const name = this.peek();
        if (name.type !== 'ident') throw this.unexpected(name, 'a property name after "." (use [\'…\'] for other keys)');
        this.next();
        expr = { kind: 'get', object: expr, key: { kind: 'literal', value: name.value, offset: name.offset }, offset: name.offset };
      } else if (this.isOp('[')) {
        const open = this.next();
        const key = this.nested(open.offset, () => this.parsePipe());
        this.expectOp(']', 'to close the index');
        expr = { kind: 'get', object: expr, key, offset: open.offset };
      } else {
        return expr;
      }
    }
  }

  private parsePrimary(): Expr {
    const token = this.peek();
    if (token.type === 'number' || token.type === 'string') {
      this.next();
      return { kind: 'literal', value: token.type === 'number' ? Number(token.value) : token.value, offset: token.offset };
    }
    if (token.type === 'ident' && token.value !== 'in') {
      this.next();
      if (Object.prototype.hasOwnProperty.call(KEYWORD_LITERALS, token.value)) {
        return { kind: 'literal', value: KEYWORD_LITERALS[token.value] ?? null, offset: token.offset };
      }
      return { kind: 'var', name: token.value, offset: token.offset };
    }
    if (this.isOp('(')) {
      this.next();
      const inner = this.nested(token.offset, () => this.parsePipe());
      this.expectOp(')', 'to close the parenthesis');
      return inner;
    }
    throw this.unexpected(token, 'an expression');
  }
}

/** Parses a token stream (ending with `eof`) whose offsets refer to `src`. */
export function parseTokens(tokens: readonly Token[], src: string): Expr {
  return new Parser(tokens, src).parseAll();
}

/** Parses `src` into a JSON-serializable AST, or throws an ExpressionError with the offset of the problem. */
export function parseExpression(src: string): Expr {
  return parseTokens(tokenize(src).tokens, src);
}
