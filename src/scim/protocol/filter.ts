import { definitionOf, splitUrn, type AttributeDefinition, type ResourceSchema } from './attributes.js';
import { scimErrors } from './errors.js';

/** An attribute path: an attribute of the core schema or of an extension (`urn`), maybe a sub-attribute. */
export interface AttrPath {
  /** the extension's URN (lower-cased); null for the core schema and the common attributes */
  urn: string | null;
  attribute: string;
  subAttribute: string | null;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';
export type Literal = string | number | boolean | null;

/** A parsed filter (RFC 7644 §3.4.2.2). */
export type Filter =
  | { op: 'and' | 'or'; left: Filter; right: Filter }
  | { op: 'not'; filter: Filter }
  | { op: CompareOp; path: AttrPath; value: Literal }
  | { op: 'pr'; path: AttrPath }
  /** `emails[type eq "work"]`: some value of the multi-valued attribute matches the inner filter (over its sub-attributes) */
  | { op: 'has'; path: AttrPath; filter: Filter };

const COMPARE = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le']);
type Token = { kind: 'word' | 'string' | 'number' | '(' | ')' | '[' | ']'; text: string; value?: Literal };

/** Splits a filter or path into tokens; strings are JSON strings. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t') { i++; continue; }
    if ('()[]'.includes(c)) { tokens.push({ kind: c as Token['kind'], text: c }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
      if (j >= input.length) throw scimErrors.invalidFilter('An unterminated string.');
      const text = input.slice(i, j + 1);
      try {
        tokens.push({ kind: 'string', text, value: JSON.parse(text) as string });
      } catch {
        throw scimErrors.invalidFilter(`A malformed string: ${text.slice(0, 40)}.`);
      }
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z0-9_:.$\-+]+/.exec(input.slice(i))?.[0];
    if (!word) throw scimErrors.invalidFilter(`Unexpected character "${c}" at ${i}.`);
    tokens.push(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(word) ? { kind: 'number', text: word, value: Number(word) } : { kind: 'word', text: word });
    i += word.length;
  }
  return tokens;
}

/** Splits `urn:…:name.given` into its parts, checked against the schema (unknown: `invalid`). */
export function attrPathOf(schema: ResourceSchema, text: string, invalid: (detail: string) => Error, within?: AttributeDefinition): AttrPath {
  if (within) {
    const sub = within.subAttributes?.find((a) => a.name.toLowerCase() === text.toLowerCase());
    if (!sub) throw invalid(`"${within.name}" has no sub-attribute "${text}".`);
    return { urn: null, attribute: within.name, subAttribute: sub.name };
  }
  const qualified = splitUrn(schema, text);
  const rest = qualified ? qualified.attribute : text;
  const [attribute, subAttribute, extra] = rest.split('.');
  const urn = qualified && qualified.urn !== schema.core.toLowerCase() ? qualified.urn : null;
  const qualifiedName = urn ? `${urn}:${attribute}` : attribute;
  const definition = extra === undefined && attribute ? definitionOf(schema, qualifiedName, subAttribute) : null;
  if (!definition) throw invalid(`"${text}" is not an attribute Gatehouse keeps.`);
  const top = definitionOf(schema, qualifiedName)!;
  return { urn, attribute: top.name, subAttribute: subAttribute ? definition.name : null };
}

/** The definition of a parsed path. */
export const definitionAt = (schema: ResourceSchema, path: AttrPath): AttributeDefinition =>
  definitionOf(schema, path.urn ? `${path.urn}:${path.attribute}` : path.attribute, path.subAttribute)!;

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[], private readonly schema: ResourceSchema) {}

  peek(): Token | undefined { return this.tokens[this.i]; }
  next(): Token | undefined { return this.tokens[this.i++]; }
  done(): boolean { return this.i >= this.tokens.length; }
  isWord(word: string): boolean { const t = this.peek(); return t?.kind === 'word' && t.text.toLowerCase() === word; }

  expect(kind: Token['kind']): Token {
    const t = this.next();
    if (t?.kind !== kind) throw scimErrors.invalidFilter(`Expected "${kind}" ${t ? `before "${t.text}"` : 'at the end'}.`);
    return t;
  }

  /** FILTER = term *("or" term); term = factor *("and" factor): `and` binds tighter than `or` */
  filter(within?: AttributeDefinition): Filter {
    return this.chain('or', () => this.chain('and', () => this.factor(within)));
  }

  private chain(op: 'and' | 'or', operand: () => Filter): Filter {
    let left = operand();
    while (this.isWord(op)) {
      this.next();
      left = { op, left, right: operand() };
    }
    return left;
  }

  private factor(within?: AttributeDefinition): Filter {
    if (this.isWord('not')) {
      this.next();
      this.expect('(');
      const filter = this.filter(within);
      this.expect(')');
      return { op: 'not', filter };
    }
    if (this.peek()?.kind === '(') {
      this.next();
      const filter = this.filter(within);
      this.expect(')');
      return filter;
    }
    const word = this.expect('word').text;
    if (this.peek()?.kind === '[') {
      if (within) throw scimErrors.invalidFilter('A value filter cannot nest another.');
      this.next();
      const path = attrPathOf(this.schema, word, scimErrors.invalidFilter);
      const definition = definitionAt(this.schema, path);
      if (!definition.multiValued || !definition.subAttributes) throw scimErrors.invalidFilter(`"${word}" has no values to filter.`);
      const inner = this.filter(definition);
      this.expect(']');
      // `emails[type eq "work"].value eq "x"`, as Entra ID sends it: the inner filter and a comparison of a sub-attribute
      const trailing = this.peek();
      if (trailing?.kind === 'word' && trailing.text.startsWith('.')) {
        this.next();
        const comparison = this.comparison(attrPathOf(this.schema, trailing.text.slice(1), scimErrors.invalidFilter, definition));
        return { op: 'has', path, filter: { op: 'and', left: inner, right: comparison } };
      }
      return { op: 'has', path, filter: inner };
    }
    return this.comparison(attrPathOf(this.schema, word, scimErrors.invalidFilter, within));
  }

  private comparison(path: AttrPath): Filter {
    const op = this.expect('word').text.toLowerCase();
    if (op === 'pr') return { op: 'pr', path };
    if (!COMPARE.has(op)) throw scimErrors.invalidFilter(`"${op}" is not a comparison operator.`);
    const t = this.next();
    let value: Literal;
    if (t?.kind === 'string' || t?.kind === 'number') value = t.value!;
    else if (t?.kind === 'word' && ['true', 'false', 'null'].includes(t.text.toLowerCase())) value = JSON.parse(t.text.toLowerCase()) as Literal;
    else throw scimErrors.invalidFilter(`"${op}" needs a value: a "string", a number, true, false or null.`);
    return { op: op as CompareOp, path, value };
  }
}

/** Parses a `filter` query parameter against a resource's schema. @throws ScimError 400 `invalidFilter` */
export function parseFilter(schema: ResourceSchema, input: string): Filter {
  if (input.length > 2000) throw scimErrors.invalidFilter('The filter is longer than 2000 characters.');
  const parser = new Parser(tokenize(input), schema);
  const filter = parser.filter();
  if (!parser.done()) throw scimErrors.invalidFilter(`Unexpected "${parser.peek()!.text}".`);
  return filter;
}

/** Parses the filter inside a PATCH path's brackets, over the sub-attributes of `within`. */
export function parseValueFilter(schema: ResourceSchema, tokens: Token[], within: AttributeDefinition): Filter {
  const parser = new Parser(tokens, schema);
  const filter = parser.filter(within);
  if (!parser.done()) throw scimErrors.invalidPath(`Unexpected "${parser.peek()!.text}" in the value filter.`);
  return filter;
}
