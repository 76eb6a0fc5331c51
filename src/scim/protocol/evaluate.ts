import type { AttributeDefinition, ResourceSchema } from './attributes.js';
import { scimErrors } from './errors.js';
import { definitionAt, type AttrPath, type Filter, type Literal } from './filter.js';

type Json = Record<string, unknown>;

/** The value of `key` in an object, its name compared case-insensitively (SCIM attribute names are). */
export function getKey(object: unknown, key: string): unknown {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return undefined;
  const found = Object.keys(object).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : (object as Json)[found];
}

/** What a path reaches in a resource: each value, multi-valued attributes flattened; a complex value stands for its `value`. */
function valuesAt(doc: Json, path: AttrPath, element?: Json): unknown[] {
  let top: unknown;
  if (element) return [getKey(element, path.subAttribute!)];
  top = path.urn ? getKey(getKey(doc, path.urn), path.attribute) : getKey(doc, path.attribute);
  const list = Array.isArray(top) ? top : top === undefined ? [] : [top];
  if (path.subAttribute) return list.map((v) => getKey(v, path.subAttribute!));
  return list.map((v) => (v && typeof v === 'object' ? getKey(v, 'value') : v));
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

function compare(op: Exclude<Filter['op'], 'and' | 'or' | 'not' | 'pr' | 'has'>, actual: unknown, expected: Literal, def: AttributeDefinition): boolean {
  if (op === 'ne') return !compare('eq', actual, expected, def);
  if (expected === null) return op === 'eq' && !present(actual);
  if (typeof expected === 'boolean' || def.type === 'boolean') {
    if (op !== 'eq') throw scimErrors.invalidFilter(`"${op}" does not compare ${def.name}: use eq or ne.`);
    const value = typeof actual === 'string' ? actual.toLowerCase() === 'true' : actual;
    return value === expected;
  }
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  if (def.type === 'dateTime') {
    const [a, b] = [Date.parse(actual), Date.parse(expected)];
    if (Number.isNaN(b)) throw scimErrors.invalidFilter(`"${expected}" is not a date-time.`);
    return { eq: a === b, gt: a > b, lt: a < b, ge: a >= b, le: a <= b, co: false, sw: false, ew: false }[op];
  }
  const [a, b] = def.caseExact ? [actual, expected] : [actual.toLowerCase(), expected.toLowerCase()];
  switch (op) {
    case 'eq': return a === b;
    case 'co': return a.includes(b);
    case 'sw': return a.startsWith(b);
    case 'ew': return a.endsWith(b);
    case 'gt': return a > b;
    case 'lt': return a < b;
    case 'ge': return a >= b;
    case 'le': return a <= b;
  }
}

/** Whether a resource (its SCIM JSON) matches a filter; `element`: the value a valuePath's inner filter looks at. */
export function matches(schema: ResourceSchema, filter: Filter, doc: Json, element?: Json): boolean {
  switch (filter.op) {
    case 'and': return matches(schema, filter.left, doc, element) && matches(schema, filter.right, doc, element);
    case 'or': return matches(schema, filter.left, doc, element) || matches(schema, filter.right, doc, element);
    case 'not': return !matches(schema, filter.filter, doc, element);
    case 'pr': return valuesAt(doc, filter.path, element).some(present);
    case 'has': {
      const list = getKey(doc, filter.path.attribute);
      return Array.isArray(list) && list.some((v) => v && typeof v === 'object' && matches(schema, filter.filter, doc, v as Json));
    }
    default: {
      const def = definitionAt(schema, filter.path);
      const values = valuesAt(doc, filter.path, element);
      if (filter.op === 'ne') return !values.some((v) => compare('eq', v, filter.value, def));
      return (values.length ? values : [undefined]).some((v) => compare(filter.op as 'eq', v, filter.value, def));
    }
  }
}

/** The attributes (top-level names, lower-cased) a filter looks at. */
export function attributesOf(filter: Filter): Set<string> {
  switch (filter.op) {
    case 'and': case 'or': return new Set([...attributesOf(filter.left), ...attributesOf(filter.right)]);
    case 'not': return attributesOf(filter.filter);
    default: return new Set([filter.path.attribute.toLowerCase()]);
  }
}
