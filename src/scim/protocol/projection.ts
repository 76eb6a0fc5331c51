import { splitUrn, type ResourceSchema } from './attributes.js';
import { scimErrors } from './errors.js';

type Json = Record<string, unknown>;

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5): which attributes an answer carries. */
export interface Projection {
  /** lower-cased `attribute` or `attribute.sub` (`urn:…:attribute` for an extension's) */
  only: string[] | null;
  excluded: string[];
}

const ALWAYS = new Set(['id', 'schemas']);

function names(schema: ResourceSchema, list: unknown): string[] {
  if (list === undefined) return [];
  if (typeof list !== 'string') throw scimErrors.invalidValue('attributes and excludedAttributes are comma-separated attribute names.');
  return list.split(',').map((s) => s.trim()).filter(Boolean).map((name) => {
    const qualified = splitUrn(schema, name);
    if (!qualified) return name.toLowerCase();
    return qualified.urn === schema.core.toLowerCase() ? qualified.attribute.toLowerCase() : `${qualified.urn}:${qualified.attribute.toLowerCase()}`;
  });
}

/** The projection a request's query asks for. */
export function projectionOf(schema: ResourceSchema, query: { attributes?: unknown; excludedAttributes?: unknown }): Projection {
  const only = names(schema, query.attributes);
  return { only: only.length ? only : null, excluded: names(schema, query.excludedAttributes) };
}

/** Whether the answer carries `attribute` (top-level, lower-cased) at all: a costly one (a group's members) is computed only then. */
export function wants(projection: Projection, attribute: string): boolean {
  if (projection.only) return projection.only.some((n) => n === attribute || n.startsWith(`${attribute}.`));
  return !projection.excluded.includes(attribute);
}

/** The document with only what the projection keeps. */
export function project(schema: ResourceSchema, doc: Json, projection: Projection): Json {
  const out: Json = {};
  const extensions = new Map(Object.keys(schema.extensions).map((u) => [u.toLowerCase(), u]));
  for (const [key, value] of Object.entries(doc)) {
    const k = key.toLowerCase();
    if (ALWAYS.has(k)) { out[key] = value; continue; }
    if (extensions.has(k) && value && typeof value === 'object') {
      const kept = project(schema, value as Json, {
        only: projection.only && projection.only.filter((n) => n.startsWith(`${k}:`)).map((n) => n.slice(k.length + 1)),
        excluded: projection.excluded.filter((n) => n.startsWith(`${k}:`)).map((n) => n.slice(k.length + 1)),
      });
      if (Object.keys(kept).length && (!projection.only || projection.only.some((n) => n.startsWith(`${k}:`)))) out[key] = kept;
      continue;
    }
    if (projection.excluded.includes(k)) continue;
    if (!projection.only) { out[key] = value; continue; }
    if (projection.only.includes(k)) { out[key] = value; continue; }
    const subs = projection.only.filter((n) => n.startsWith(`${k}.`)).map((n) => n.slice(k.length + 1));
    if (!subs.length || !value || typeof value !== 'object') continue;
    const pick = (v: unknown) => Object.fromEntries(Object.entries(v as Json).filter(([s]) => subs.includes(s.toLowerCase())));
    out[key] = Array.isArray(value) ? value.map(pick) : pick(value);
  }
  return out;
}
