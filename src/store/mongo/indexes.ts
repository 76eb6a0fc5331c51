import type { mongo } from 'mongoose';

type Db = mongo.Db;

/** An index a model declares (mongoose's `schema.indexes()` entries). */
export interface DeclaredIndex {
  key: Record<string, unknown>;
  options: Record<string, unknown>;
}

/** An index as `listIndexes` reports it. */
export interface ExistingIndex {
  name: string;
  key: Record<string, unknown>;
  [option: string]: unknown;
}

/** What reconciling one collection's indexes does; `rebuild` drops the index and creates it anew. */
export type IndexChange =
  | { action: 'create'; collection: string; index: DeclaredIndex }
  | { action: 'setExpiry'; collection: string; name: string; from: unknown; expireAfterSeconds: number }
  | { action: 'rebuild'; collection: string; name: string; index: DeclaredIndex };

/** The options whose change needs the index changed (others, e.g. `background`, do not). */
function meaning(options: Record<string, unknown>): Record<string, unknown> {
  return {
    unique: options.unique === true,
    sparse: options.sparse === true,
    expireAfterSeconds: typeof options.expireAfterSeconds === 'number' ? options.expireAfterSeconds : null,
    partialFilterExpression: options.partialFilterExpression ? JSON.stringify(options.partialFilterExpression) : null,
  };
}

const sameKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(Object.entries(a).map(([k, v]) => [k, String(v)])) === JSON.stringify(Object.entries(b).map(([k, v]) => [k, String(v)]));

/**
 * The changes that make `existing` hold every `declared` index with its declared options: a
 * missing index is created; one whose only difference is its TTL gets the new
 * `expireAfterSeconds` in place (`collMod`); any other difference (unique, sparse, partial
 * filter) rebuilds it. Indexes no model declares are left alone (a migration drops them), and
 * `_id_` is never touched. Without this, `createIndexes` fails at boot with
 * `IndexOptionsConflict` the first time a declared index changes.
 */
export function planIndexChanges(collection: string, declared: readonly DeclaredIndex[], existing: readonly ExistingIndex[]): IndexChange[] {
  const changes: IndexChange[] = [];
  for (const index of declared) {
    const current = existing.find((e) => sameKey(e.key, index.key));
    if (!current) {
      changes.push({ action: 'create', collection, index });
      continue;
    }
    const want = meaning(index.options);
    const have = meaning(current);
    if (JSON.stringify(want) === JSON.stringify(have)) continue;
    const onlyExpiry = Object.keys(want).every((k) => k === 'expireAfterSeconds' || want[k] === have[k]);
    if (onlyExpiry && have.expireAfterSeconds !== null && want.expireAfterSeconds !== null) {
      changes.push({ action: 'setExpiry', collection, name: current.name, from: have.expireAfterSeconds, expireAfterSeconds: want.expireAfterSeconds as number });
    } else {
      changes.push({ action: 'rebuild', collection, name: current.name, index });
    }
  }
  return changes;
}

/** One line for `gatehouse migrate --status`. */
export function describeIndexChange(change: IndexChange): string {
  switch (change.action) {
    case 'create': return `${change.collection}: create index ${JSON.stringify(change.index.key)} ${JSON.stringify(change.index.options)}`;
    case 'setExpiry': return `${change.collection}: index ${change.name} expireAfterSeconds ${String(change.from)} -> ${change.expireAfterSeconds}`;
    case 'rebuild': return `${change.collection}: rebuild index ${change.name} as ${JSON.stringify(change.index.options)}`;
  }
}

/** The indexes a collection has; none when the collection does not exist yet. */
export async function existingIndexes(db: Db, collection: string): Promise<ExistingIndex[]> {
  try {
    return await db.collection(collection).listIndexes().toArray() as ExistingIndex[];
  } catch (err) {
    if ((err as { code?: number }).code === 26) return []; // NamespaceNotFound
    throw err;
  }
}

/** Applies one change. A rebuilt index is missing between its drop and its creation. */
export async function applyIndexChange(db: Db, change: IndexChange): Promise<void> {
  const collection = db.collection(change.collection);
  switch (change.action) {
    case 'create':
      await collection.createIndex(change.index.key as never, change.index.options);
      return;
    case 'setExpiry':
      await db.command({ collMod: change.collection, index: { name: change.name, expireAfterSeconds: change.expireAfterSeconds } });
      return;
    case 'rebuild':
      await collection.dropIndex(change.name);
      await collection.createIndex(change.index.key as never, change.index.options);
  }
}
