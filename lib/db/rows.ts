/** Rows of a raw `db.execute`: node-postgres and PGlite return { rows }; an array is taken as is. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}
