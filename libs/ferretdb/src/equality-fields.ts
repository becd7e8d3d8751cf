/**
 * The document fields that FerretDB 1.24 on PostgreSQL can find by an index: an equality on one of them
 * is pushed down as `_jsonb -> 'field' @> value`, and deploy/local/postgres/ferretdb-indexes.sql gives
 * every table a GIN index on exactly these expressions (keep the two lists equal; a unit test checks).
 * On MongoDB each hot collection declares ordinary (multikey) indexes on the fields it uses.
 *
 * - `keys`: a read model's one equality field, an array of "name:value" strings (see keys.ts); a
 *   top-level array equality `{keys: 'theme:torture'}` is PostgreSQL jsonb containment, which the GIN
 *   index serves, and a multikey index on MongoDB.
 * - `mentions`: the ids a commit's events concern (libs/event-store).
 */
export const EQUALITY_FIELDS = [
  '_id',
  'streamId',
  'pending',
  'pages',
  'firstPage',
  'position',
  'keys',
  'mentions',
] as const;
export type EqualityField = (typeof EQUALITY_FIELDS)[number];
