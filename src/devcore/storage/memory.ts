/** In-memory backend: the default, gone when the process ends. */
import type { KvBackend } from "./backend.js";

export class MemoryBackend implements KvBackend {
  readonly kind = "memory";
  private readonly tables = new Map<string, Map<string, string>>();

  private table(kind: string): Map<string, string> {
    let t = this.tables.get(kind);
    if (!t) {
      t = new Map();
      this.tables.set(kind, t);
    }
    return t;
  }

  get(kind: string, key: string): string | undefined {
    return this.tables.get(kind)?.get(key);
  }

  put(kind: string, key: string, value: string): void {
    this.table(kind).set(key, value);
  }

  delete(kind: string, key: string): boolean {
    return this.tables.get(kind)?.delete(key) ?? false;
  }

  list(kind: string, prefix: string): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const entry of this.tables.get(kind) ?? []) if (entry[0].startsWith(prefix)) out.push(entry);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  transaction<T>(fn: () => T): T {
    return fn();
  }

  close(): void {
    this.tables.clear();
  }
}
