import type { DbOrTx } from "./client";

/**
 * A query built once per database object and prepared by PostgreSQL once per connection, for the
 * statements every sign-in or page runs. A transaction is a database object of its own (its
 * statements must run on its connection), so inside one the query is built for it.
 */
export function preparedPerDatabase<T>(build: (db: DbOrTx) => T): (db: DbOrTx) => T {
  const built = new WeakMap<DbOrTx, T>();
  return (db) => {
    let query = built.get(db);
    if (!query) built.set(db, (query = build(db)));
    return query;
  };
}
