/**
 * The storage seam: a tiny synchronous key-value table grouped by kind.
 * Memory and SQLite both implement it; store.ts gives it typed records.
 * Synchronous on purpose: both SQLite bindings are synchronous, and a
 * check-then-write in a handler can never interleave with another request.
 *
 * Keys are built by store.ts from URI-encoded parts joined with "/", so a
 * prefix ending in "/" selects exactly one parent (a user id containing "/"
 * cannot spill into another user's range).
 */
export interface KvBackend {
  /** Which implementation, for diagnostics: "memory", "better-sqlite3" or "node:sqlite". */
  readonly kind: string;
  get(kind: string, key: string): string | undefined;
  put(kind: string, key: string, value: string): void;
  /** Returns whether the key existed. */
  delete(kind: string, key: string): boolean;
  /** Entries whose key starts with prefix, in key order. */
  list(kind: string, prefix: string): Array<[key: string, value: string]>;
  /** Runs fn atomically (one SQLite transaction; trivially atomic in memory). */
  transaction<T>(fn: () => T): T;
  close(): void;
}
