import type { Collection, CreateIndexesOptions, Db, Document, IndexSpecification } from 'mongodb';

/** One index a collection's queries use on MongoDB. `name` is required: a migration drops by name. */
export interface IndexDeclaration {
  readonly key: IndexSpecification;
  readonly options: CreateIndexesOptions & { readonly name: string };
}

const servers = new WeakMap<Db, Promise<boolean>>();

/** Whether `db` talks to FerretDB (its buildInfo names its version); asked once per Db. */
export const isFerretDb = (db: Db): Promise<boolean> => {
  let answer = servers.get(db);
  if (!answer) {
    answer = db
      .admin()
      .command({ buildInfo: 1 })
      .then((info) => 'ferretdbVersion' in info);
    servers.set(db, answer);
  }
  return answer;
};

/**
 * Creates a collection's indexes where they serve a query, and only there. MongoDB gets every one. On
 * FerretDB 1.24 only the unique ones (they are constraints): its createIndex makes a PostgreSQL btree
 * on `_jsonb -> 'field'`, which the pushed-down equality (`@>`, served by the GIN indexes of
 * EQUALITY_FIELDS) cannot use, and which ranges and sorts, evaluated in Go, never ask for. Such an
 * index only costs every write: on a commit-shaped document, 8 of them took an update by `_id` from
 * 1.06 to 1.60 ms and a batched insert from 0.12 to 0.16 ms a document (README.md). Ones an earlier
 * version created there are dropped.
 */
export const ensureIndexes = async <T extends Document>(
  db: Db,
  collection: Collection<T>,
  declarations: readonly IndexDeclaration[],
): Promise<void> => {
  const ferret = await isFerretDb(db);
  // On FerretDB, what exists already (one listIndexes; none when the collection does not exist yet).
  const existing = ferret
    ? new Set((await collection.indexes().catch(() => [])).map((i) => String(i.name)))
    : new Set<string>();
  for (const d of declarations) {
    if (!ferret || d.options.unique === true) await collection.createIndex(d.key, d.options);
    else if (existing.has(d.options.name)) await collection.dropIndex(d.options.name);
  }
};
