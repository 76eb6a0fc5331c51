import { isForeignUrn, type ResourceSchema } from './attributes.js';
import { scimErrors } from './errors.js';
import { attrPathOf, definitionAt, parseValueFilter, tokenize, type AttrPath, type Filter } from './filter.js';

/** A PATCH `path` (RFC 7644 §3.5.2): an attribute, maybe one of its sub-attributes, maybe a value filter between them. */
export interface PatchPath {
  /** with `filter`, `subAttribute` is the sub-attribute of each matching value (`emails[type eq "work"].value`) */
  target: AttrPath;
  filter: Filter | null;
}

/** Marks an attribute Gatehouse does not keep (an operation on it is dropped), as opposed to a malformed path. */
class UnknownAttribute extends Error {}
const unknown = (detail: string) => new UnknownAttribute(detail);

/**
 * Parses a PATCH path; null when it names an attribute Gatehouse does not keep (phone numbers,
 * the enterprise extension…): identity providers send every attribute they map, and those are
 * dropped like the same attributes in a POST or PUT. @throws ScimError 400 `invalidPath`
 */
export function parsePatchPath(schema: ResourceSchema, text: string): PatchPath | null {
  if (text.length > 1000) throw scimErrors.invalidPath('The path is longer than 1000 characters.');
  if (isForeignUrn(schema, text)) return null;
  let tokens;
  try {
    tokens = tokenize(text);
  } catch {
    throw scimErrors.invalidPath(`"${text.slice(0, 80)}" is not a path.`);
  }
  const [first] = tokens;
  if (first?.kind !== 'word') throw scimErrors.invalidPath(`"${text.slice(0, 80)}" is not a path.`);
  try {
    const path = attrPathOf(schema, first.text, unknown);
    if (tokens.length === 1) return { target: path, filter: null };
    const close = tokens.findIndex((t) => t.kind === ']');
    const trailing = tokens.slice(close + 1);
    const valid = tokens[1].kind === '[' && close > 2 && trailing.length <= 1 && (!trailing[0] || (trailing[0].kind === 'word' && trailing[0].text.startsWith('.')));
    const definition = definitionAt(schema, path);
    if (!valid || path.subAttribute || !definition.multiValued || !definition.subAttributes)
      throw scimErrors.invalidPath(`"${text.slice(0, 80)}" is not a path: attribute[filter] or attribute[filter].subAttribute.`);
    const filter = parseValueFilter(schema, tokens.slice(2, close), definition);
    const sub = trailing[0] ? attrPathOf(schema, trailing[0].text.slice(1), unknown, definition).subAttribute : null;
    return { target: { ...path, subAttribute: sub }, filter };
  } catch (err) {
    if (err instanceof UnknownAttribute) return null;
    throw err;
  }
}
