/**
 * The per-request GET cache. Within one userContext (one incoming request of
 * the user's app), the same GET is answered once: recipes often ask the core
 * for the same user twice while handling one request.
 *
 * - Keyed on the userContext object itself (a WeakMap: nothing is written into
 *   it, and the cache goes away with it), then on rid + path + sorted params.
 * - Any non-GET call invalidates every context's cache (a global generation
 *   counter), because a write may change what any GET would return; it does so
 *   when it starts and when it ends, and a GET's answer is stored under the
 *   generation it started in, so no answer that may predate a write is served.
 * - Only 200s are stored, as text, and parsed again on each hit so callers can
 *   never corrupt the cached value by mutating what they got.
 * - A hit sends nothing, so the interceptor does not run (as in supertokens-node).
 */
import type { CoreCall, UserContext } from "./types.js";

export interface CachedResponse {
  text: string;
  contentType: string | undefined;
}

interface Entry extends CachedResponse {
  generation: number;
}

export class CoreCallCache {
  private generation = 0;
  private readonly byContext = new WeakMap<object, Map<string, Entry>>();

  key(call: CoreCall, filledPath: string): string {
    let key = (call.rid ?? "") + " " + filledPath;
    const params = call.params;
    if (params !== undefined) {
      const names = Object.keys(params).sort();
      for (const name of names) {
        const v = params[name];
        // Encoded, so that { a: "1&b=2" } and { a: "1", b: "2" } never share a key.
        if (v !== undefined) key += "&" + encodeURIComponent(name) + "=" + encodeURIComponent(String(v));
      }
    }
    return key;
  }

  /** Taken when a GET starts: an answer is stored under the generation it was asked in. */
  get currentGeneration(): number {
    return this.generation;
  }

  get(userContext: UserContext, key: string): CachedResponse | undefined {
    const entry = this.byContext.get(userContext)?.get(key);
    return entry !== undefined && entry.generation === this.generation ? entry : undefined;
  }

  /**
   * Stores an answer under the generation its GET started in: if a write ran
   * meanwhile, the answer may predate it, so it is born stale and never served.
   */
  set(userContext: UserContext, key: string, value: CachedResponse, generation: number): void {
    let map = this.byContext.get(userContext);
    if (map === undefined) {
      map = new Map();
      this.byContext.set(userContext, map);
    }
    map.set(key, { ...value, generation });
  }

  /** Called when every non-GET call starts and again when it ends (a GET sent in between may predate the write). */
  invalidate(): void {
    this.generation++;
  }
}
