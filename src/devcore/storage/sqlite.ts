/**
 * SQLite backend for `--data FILE`. Two bindings are supported, tried in order:
 * better-sqlite3 (an optional dependency; stable and warning-free) and Node's
 * built-in node:sqlite (Node >= 22.5). Both are synchronous and expose the same
 * small surface used here (exec, prepare().get/all/run, close), so one class
 * serves both. Neither is imported unless a data file is asked for.
 */
import { DevCoreStorageError } from "../errors.js";
import type { KvBackend } from "./backend.js";

interface SqliteStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}

interface SqliteDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
  close(): unknown;
}

export interface SqliteDriver {
  name: string;
  open(file: string): Promise<SqliteDatabase>;
}

// Variable specifiers keep TypeScript from requiring type declarations for
// modules that may be absent (better-sqlite3 is optional; node:sqlite is Node 22+).
const BETTER_SQLITE3 = "better-sqlite3";
const NODE_SQLITE = "node:sqlite";

export const betterSqlite3Driver: SqliteDriver = {
  name: "better-sqlite3",
  async open(file) {
    const mod = (await import(BETTER_SQLITE3)) as { default: new (file: string) => SqliteDatabase };
    return new mod.default(file);
  },
};

export const nodeSqliteDriver: SqliteDriver = {
  name: "node:sqlite",
  async open(file) {
    const mod = (await import(NODE_SQLITE)) as { DatabaseSync: new (file: string) => SqliteDatabase };
    return new mod.DatabaseSync(file);
  },
};

export const DEFAULT_SQLITE_DRIVERS: readonly SqliteDriver[] = [betterSqlite3Driver, nodeSqliteDriver];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS corelens_devcore_kv (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS corelens_devcore_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO corelens_devcore_meta (key, value) VALUES ('schema_version', '1');
`;

/** Opens (creating if needed) the data file with the first driver that loads. */
export async function openSqliteBackend(file: string, drivers: readonly SqliteDriver[] = DEFAULT_SQLITE_DRIVERS): Promise<KvBackend> {
  const unavailable: string[] = [];
  for (const driver of drivers) {
    let db: SqliteDatabase;
    try {
      db = await driver.open(file);
    } catch (error) {
      if (isModuleMissing(error)) {
        unavailable.push(driver.name);
        continue;
      }
      throw new DevCoreStorageError(`Cannot open the data file ${file} with ${driver.name}: ${errorText(error)}`);
    }
    try {
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
      db.exec(SCHEMA);
      const version = db.prepare("SELECT value FROM corelens_devcore_meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      if (version?.value !== "1") throw new Error(`unknown schema version ${String(version?.value)}`);
    } catch (error) {
      db.close();
      throw new DevCoreStorageError(`The data file ${file} is not a usable corelens dev core database: ${errorText(error)}`);
    }
    return new SqliteBackend(db, driver.name);
  }
  throw new DevCoreStorageError(
    `--data needs SQLite, but no SQLite binding could be loaded (tried ${unavailable.join(", ")}). ` +
      "Install one with `npm install better-sqlite3`, or run on Node.js >= 22.5 (built-in node:sqlite).",
  );
}

function isModuleMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // ERR_UNKNOWN_BUILTIN_MODULE: node:sqlite on Node 20 (or without --experimental-sqlite on early 22.x).
  // ERR_DLOPEN_FAILED / NODE_MODULE_VERSION: a native build for another Node ABI counts as unavailable too.
  return (
    code === "ERR_MODULE_NOT_FOUND" ||
    code === "MODULE_NOT_FOUND" ||
    code === "ERR_UNKNOWN_BUILTIN_MODULE" ||
    code === "ERR_DLOPEN_FAILED" ||
    /NODE_MODULE_VERSION|Could not locate the bindings file/.test(errorText(error))
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class SqliteBackend implements KvBackend {
  private readonly getStmt: SqliteStatement;
  private readonly putStmt: SqliteStatement;
  private readonly deleteStmt: SqliteStatement;
  private readonly listStmt: SqliteStatement;
  private depth = 0;

  constructor(
    private readonly db: SqliteDatabase,
    readonly kind: string,
  ) {
    this.getStmt = db.prepare("SELECT value FROM corelens_devcore_kv WHERE kind = ? AND key = ?");
    this.putStmt = db.prepare("INSERT INTO corelens_devcore_kv (kind, key, value) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value");
    this.deleteStmt = db.prepare("DELETE FROM corelens_devcore_kv WHERE kind = ? AND key = ? RETURNING key");
    // Range scan on the primary key; prefixes always end in "/" and the next character is "0".
    this.listStmt = db.prepare("SELECT key, value FROM corelens_devcore_kv WHERE kind = ? AND key >= ? AND key < ? ORDER BY key");
  }

  get(kind: string, key: string): string | undefined {
    const row = this.getStmt.get(kind, key) as { value: string } | undefined;
    return row?.value;
  }

  put(kind: string, key: string, value: string): void {
    this.putStmt.run(kind, key, value);
  }

  delete(kind: string, key: string): boolean {
    return this.deleteStmt.all(kind, key).length > 0;
  }

  list(kind: string, prefix: string): Array<[string, string]> {
    const upper = prefix.length === 0 ? "\uffff" : prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    const rows = this.listStmt.all(kind, prefix, upper) as Array<{ key: string; value: string }>;
    return rows.map((r) => [r.key, r.value]);
  }

  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.depth++;
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    } finally {
      this.depth--;
    }
  }

  close(): void {
    this.db.close();
  }
}
