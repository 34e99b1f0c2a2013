/**
 * The expression AST and its error type. Every node is plain JSON data (no class instances, no
 * functions), so a parsed expression can travel through Temporal payloads and be evaluated on
 * the other side. `offset` is the character offset of the node in the source it was parsed from.
 */
import type { FilterName } from './expression-filters.js';

/** A literal value as written in the source. */
export type LiteralValue = string | number | boolean | null;

/** Binary operators, lowest to highest precedence: `||`, `&&`, `== !=`, `< <= > >=`, `in`. */
export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in';

/** Unary operators. */
export type UnaryOp = '!' | '-';

/** A literal: `'text'`, `42`, `-1.5`, `true`, `false`, `null`. */
export interface LiteralNode {
  readonly kind: 'literal';
  readonly value: LiteralValue;
  readonly offset: number;
}

/** A root name read from the evaluation context, e.g. `alert`. */
export interface VarNode {
  readonly kind: 'var';
  readonly name: string;
  readonly offset: number;
}

/** Property or index access: `object.key` (key is a string literal) or `object[key]`. */
export interface GetNode {
  readonly kind: 'get';
  readonly object: Expr;
  readonly key: Expr;
  readonly offset: number;
}

/** `!operand` or `-operand`. */
export interface UnaryNode {
  readonly kind: 'unary';
  readonly op: UnaryOp;
  readonly operand: Expr;
  readonly offset: number;
}

/** `left op right`. */
export interface BinaryNode {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly offset: number;
}

/** `input | name(args…)`; `offset` is the filter name's offset. */
export interface FilterNode {
  readonly kind: 'filter';
  readonly name: FilterName;
  readonly input: Expr;
  readonly args: readonly Expr[];
  readonly offset: number;
}

/** A parsed expression. */
export type Expr = LiteralNode | VarNode | GetNode | UnaryNode | BinaryNode | FilterNode;

/**
 * A parse or evaluation error. `offset` is where in the source the problem is; the message
 * reads `<reason> at <offset>` followed by `; <hint>` when there is one.
 */
export class ExpressionError extends Error {
  /** Character offset in the source (for templates: in the whole template string). */
  readonly offset: number;
  /** The message without the offset and hint. */
  readonly reason: string;
  /** Extra guidance, e.g. the list of known filters. */
  readonly hint: string | undefined;

  constructor(reason: string, offset: number, hint?: string) {
    super(`${reason} at ${offset}${hint === undefined ? '' : `; ${hint}`}`);
    this.name = 'ExpressionError';
    this.offset = offset;
    this.reason = reason;
    this.hint = hint;
  }
}
