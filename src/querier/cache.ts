/**
 * The per-request GET cache. Within one userContext (one incoming request of
 * the user's app), the same GET is answered once: recipes often ask the core
 * for the same user twice while handling one request.
 *
 * - Keyed on the userContext object itself (a WeakMap: nothing is written into
 *   it, and the cache goes away with it), then on rid + path + sorted params.
 * - Any non-GET call invalidates every context's cache (a global generation
 *   counter), because a write may change what any GET would return.
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
        if (v !== undefined) key += "&" + name + "=" + String(v);
      }
    }
    return key;
  }

  get(userContext: UserContext, key: string): CachedResponse | undefined {
    const entry = this.byContext.get(userContext)?.get(key);
    return entry !== undefined && entry.generation === this.generation ? entry : undefined;
  }

  set(userContext: UserContext, key: string, value: CachedResponse): void {
    let map = this.byContext.get(userContext);
    if (map === undefined) {
      map = new Map();
      this.byContext.set(userContext, map);
    }
    map.set(key, { ...value, generation: this.generation });
  }

  /** Called for every non-GET call. */
  invalidate(): void {
    this.generation++;
  }
}
