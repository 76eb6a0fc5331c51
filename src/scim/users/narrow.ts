import { normalizeEmail } from '../../identity/validation.js';
import type { Filter } from '../protocol/filter.js';
import { orderOf, type Seat, type Seats } from './seats.js';

/**
 * The few seats a filter can only match (`userName eq`, `externalId eq`, `id eq`, and their
 * and/or), found without reading every seat; null when the filter needs them all. Identity
 * providers look every person up this way before writing to them, so this is the common path.
 */
export async function narrowedSeats(seats: Seats, organizationId: string, filter: Filter): Promise<Seat[] | null> {
  const found = async (f: Filter): Promise<Array<Seat | null> | null> => {
    if (f.op === 'and') return (await found(f.left)) ?? found(f.right);
    if (f.op === 'or') {
      const [left, right] = [await found(f.left), await found(f.right)];
      return left && right ? [...left, ...right] : null;
    }
    if (f.op === 'has' && f.path.attribute === 'emails') return found(f.filter);
    if (f.op !== 'eq' || typeof f.value !== 'string' || f.path.urn) return null;
    const { attribute, subAttribute } = f.path;
    if (attribute === 'userName' || (attribute === 'emails' && (subAttribute ?? 'value') === 'value'))
      return [await seats.byUserName(organizationId, normalizeEmail(f.value))];
    if (attribute === 'externalId') return [await seats.byExternalId(organizationId, f.value)];
    if (attribute === 'id') return [await seats.byId(organizationId, f.value)];
    return null;
  };
  const candidates = await found(filter);
  if (!candidates) return null;
  const unique = new Map(candidates.filter((s): s is Seat => s !== null).map((s) => [s.scimId, s]));
  return [...unique.values()].sort((a, b) => (orderOf(a) < orderOf(b) ? -1 : 1));
}
