import { isNode, type Document } from 'yaml';

/** A zod issue path as a field name: `steps[2].with.userName`, or `(document)`. */
export function fieldName(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '') || '(document)';
}

/** The source offset of the deepest node that exists along `path`, for file:line:column in errors. */
export function offsetOf(doc: Document, path: readonly (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}
