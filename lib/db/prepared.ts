/**
 * A query built once per database object and prepared by PostgreSQL once per connection, for the
 * statements every sign-in or page runs. A transaction is a database object of its own (its
 * statements must run on its connection), so inside one the query is built for it. Generic over
 * the database type: the portal's and the two-factor core's (any schema) both use it. With
 * DATABASE_PREPARED_STATEMENTS=off (a transaction-mode pooler) the same query is sent unnamed.
 */
export function preparedPerDatabase<D extends object, T>(build: (db: D) => T): (db: D) => T {
  const built = new WeakMap<D, T>();
  return (db) => {
    let query = built.get(db);
    if (!query) built.set(db, (query = build(db)));
    return query;
  };
}
