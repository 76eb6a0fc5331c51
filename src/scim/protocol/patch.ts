import { definitionOf, type AttributeDefinition, type ResourceSchema } from './attributes.js';
import { scimErrors } from './errors.js';
import { definitionAt, type Filter } from './filter.js';
import { getKey, matches } from './evaluate.js';
import { parsePatchPath, type PatchPath } from './patch-path.js';
import { URN } from './urns.js';

type Json = Record<string, unknown>;

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

/** At most this many operations in one PATCH. */
const MAX_OPERATIONS = 1000;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The operations of a PATCH body (RFC 7644 §3.5.2), as Okta and Entra ID send them: `op` in any
 * case (`Replace`), `Operations` or `operations`. @throws ScimError 400 `invalidSyntax`
 */
export function patchOperations(body: Json): PatchOperation[] {
  const schemas = getKey(body, 'schemas');
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(URN.patchOp)))
    throw scimErrors.invalidSyntax(`A PATCH body's schemas must be ["${URN.patchOp}"].`);
  const operations = getKey(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) throw scimErrors.invalidSyntax('A PATCH body needs a non-empty "Operations" list.');
  if (operations.length > MAX_OPERATIONS) throw scimErrors.invalidSyntax(`At most ${MAX_OPERATIONS} operations per PATCH.`);
  return operations.map((raw, i) => {
    const op = typeof getKey(raw, 'op') === 'string' ? (getKey(raw, 'op') as string).toLowerCase() : null;
    if (op !== 'add' && op !== 'replace' && op !== 'remove')
      throw scimErrors.invalidSyntax(`Operations[${i}].op must be "add", "replace" or "remove".`);
    const path = getKey(raw, 'path');
    if (path !== undefined && path !== null && typeof path !== 'string') throw scimErrors.invalidPath(`Operations[${i}].path must be a string.`);
    return { op, path: path || undefined, value: getKey(raw, 'value') };
  });
}

/** Sets `key` on an object, replacing a key that differs only in case. */
function setKey(object: Json, key: string, value: unknown): void {
  const existing = Object.keys(object).find((k) => k.toLowerCase() === key.toLowerCase());
  if (existing !== undefined && existing !== key) delete object[existing];
  object[key] = value;
}

function deleteKey(object: Json, key: string): void {
  for (const k of Object.keys(object)) if (k.toLowerCase() === key.toLowerCase()) delete object[k];
}

/** `type eq "work" and primary eq true`: the value a filter describes, to add when none matches. */
function valueDescribedBy(filter: Filter): Json | null {
  if (filter.op === 'and') {
    const [left, right] = [valueDescribedBy(filter.left), valueDescribedBy(filter.right)];
    return left && right ? { ...left, ...right } : null;
  }
  return filter.op === 'eq' && filter.path.subAttribute && filter.value !== null ? { [filter.path.subAttribute]: filter.value } : null;
}

/** The values' `value` (a complex value is matched by it), for de-duplication and removal. */
const valueOf = (v: unknown) => (isObject(v) ? getKey(v, 'value') : v);

class Patcher {
  constructor(private readonly schema: ResourceSchema, private readonly doc: Json) {}

  apply(operation: PatchOperation): void {
    const { op, path, value } = operation;
    if (path === undefined) {
      if (op === 'remove') throw scimErrors.noTarget('A remove operation needs a path.');
      if (!isObject(value)) throw scimErrors.invalidValue(`An ${op} operation without a path needs an object of attributes as its value.`);
      // each attribute (Entra ID also sends paths as keys: "name.givenName", "emails[type eq \"work\"].value")
      for (const [key, v] of Object.entries(value)) {
        if (key.toLowerCase() === 'schemas') continue;
        const extension = Object.keys(this.schema.extensions).find((u) => u.toLowerCase() === key.toLowerCase());
        if (extension && isObject(v)) for (const [sub, w] of Object.entries(v)) this.at(op, `${extension}:${sub}`, w);
        else this.at(op, key, v);
      }
      return;
    }
    this.at(op, path, value);
  }

  private at(op: PatchOperation['op'], pathText: string, value: unknown): void {
    const path = parsePatchPath(this.schema, pathText);
    if (!path) return;
    const container = path.target.urn ? this.extension(path.target.urn) : this.doc;
    const top = definitionOf(this.schema, path.target.urn ? `${path.target.urn}:${path.target.attribute}` : path.target.attribute)!;
    if (path.filter) return this.atValues(op, container, top, path, value);
    if (path.target.subAttribute) {
      if (top.multiValued) throw scimErrors.invalidPath(`"${pathText}": pick values of ${top.name} with a filter, e.g. ${top.name}[type eq "work"].value.`);
      const current = getKey(container, top.name);
      const object = isObject(current) ? current : {};
      if (op === 'remove') deleteKey(object, path.target.subAttribute);
      else setKey(object, definitionAt(this.schema, path.target).name, value);
      setKey(container, top.name, object);
      return;
    }
    if (op === 'remove') {
      const current = getKey(container, top.name);
      // Entra ID removes members as {"op":"Remove","path":"members","value":[{"value":"…"}]}
      if (top.multiValued && Array.isArray(current) && Array.isArray(value)) {
        const gone = new Set(value.map(valueOf));
        setKey(container, top.name, current.filter((v) => !gone.has(valueOf(v))));
      } else {
        deleteKey(container, top.name);
      }
      return;
    }
    if (top.multiValued) {
      const values = Array.isArray(value) ? value : [value];
      const current = getKey(container, top.name);
      if (op === 'replace' || !Array.isArray(current)) return setKey(container, top.name, dedupe(values));
      return setKey(container, top.name, dedupe([...current, ...values]));
    }
    if (top.type === 'complex') {
      if (!isObject(value)) throw scimErrors.invalidValue(`"${top.name}" takes an object of its sub-attributes.`);
      const current = getKey(container, top.name);
      return setKey(container, top.name, { ...(isObject(current) ? current : {}), ...value });
    }
    setKey(container, top.name, value);
  }

  /** `attribute[filter]` or `attribute[filter].sub`: the values the filter matches. */
  private atValues(op: PatchOperation['op'], container: Json, top: AttributeDefinition, path: PatchPath, value: unknown): void {
    const list = Array.isArray(getKey(container, top.name)) ? [...(getKey(container, top.name) as unknown[])] : [];
    const isMatch = (v: unknown) => isObject(v) && matches(this.schema, path.filter!, this.doc, v);
    const sub = path.target.subAttribute;
    if (op === 'remove') {
      if (sub) for (const v of list.filter(isMatch)) deleteKey(v as Json, sub);
      return setKey(container, top.name, sub ? list : list.filter((v) => !isMatch(v)));
    }
    if (!list.some(isMatch)) {
      const described = valueDescribedBy(path.filter!);
      if (!described) throw scimErrors.noTarget(`No value of ${top.name} matches the path's filter.`);
      list.push(described);
    }
    setKey(container, top.name, list.map((v) => {
      if (!isMatch(v)) return v;
      if (sub) return { ...(v as Json), [sub]: value };
      if (!isObject(value)) throw scimErrors.invalidValue(`A value of ${top.name} is an object of its sub-attributes.`);
      return { ...(v as Json), ...value };
    }));
  }

  private extension(urn: string): Json {
    const name = Object.keys(this.schema.extensions).find((u) => u.toLowerCase() === urn)!;
    const current = getKey(this.doc, name);
    if (isObject(current)) return current;
    const created: Json = {};
    setKey(this.doc, name, created);
    return created;
  }
}

/** Multi-valued attributes hold each `value` once. */
function dedupe(values: unknown[]): unknown[] {
  const seen = new Set<unknown>();
  return values.filter((v) => {
    const key = valueOf(v);
    if (key !== undefined && seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Applies PATCH operations, in order, to a copy of a resource's SCIM document and returns it.
 * The service then checks and writes the result as it would a PUT's body, so PATCH and PUT obey
 * the same rules. @throws ScimError 400 (`invalidPath`, `noTarget`, `invalidValue`)
 */
export function applyPatch(schema: ResourceSchema, doc: Json, operations: readonly PatchOperation[]): Json {
  const copy = structuredClone(doc);
  const patcher = new Patcher(schema, copy);
  for (const operation of operations) patcher.apply(operation);
  return copy;
}
