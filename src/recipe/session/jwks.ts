/**
 * The core's signing keys, as KeyObjects by kid, fetched through the querier
 * (so the interceptor, tracing, failover and timeouts apply to the fetch, which
 * supertokens-node does not do).
 *
 * Rules:
 * - Keys older than `maxAgeMs` are refreshed before use.
 * - An unknown kid triggers a refresh, but at most one per `missCooldownMs`:
 *   a flood of forged or foreign tokens costs the core one call per interval,
 *   not one per token.
 * - Concurrent callers share one in-flight fetch.
 * - A failed refresh keeps the old keys (the core keeps a key valid for days,
 *   so they are still good); with no usable key the fetch error is thrown.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import type { UserContext } from "../../querier/types.js";

export interface JsonWebKeySet {
  keys: Record<string, unknown>[];
}

export type FetchJwks = (userContext: UserContext | undefined) => Promise<JsonWebKeySet>;

export interface JwksCacheOptions {
  maxAgeMs: number;
  missCooldownMs: number;
}

export class JwksCache {
  #keys = new Map<string, KeyObject>();
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | undefined;
  /** Why the last fetch failed, while it is the latest word on the key set. */
  #lastError: unknown = undefined;

  constructor(
    private readonly fetchJwks: FetchJwks,
    private readonly options: JwksCacheOptions,
  ) {}

  /** The key for `kid` if the cache is fresh and has it: the no-network path. */
  cachedKey(kid: string): KeyObject | undefined {
    if (performance.now() - this.#fetchedAt >= this.options.maxAgeMs) return undefined;
    return this.#keys.get(kid);
  }

  /** The key for `kid`, refreshing the set when it is stale or (rate-limited) when the kid is unknown. */
  async getKey(kid: string, userContext: UserContext | undefined): Promise<KeyObject | undefined> {
    const now = performance.now();
    const stale = now - this.#fetchedAt >= this.options.maxAgeMs;
    if (!stale) {
      const key = this.#keys.get(kid);
      if (key !== undefined) return key;
    }
    if (this.#inflight === undefined && now - this.#lastAttemptAt < this.options.missCooldownMs) {
      // Refreshed (or tried to) moments ago: another fetch would not know more. If that fetch
      // failed and no key is known, its error is still the answer (not "no such key", which
      // would tell the client to refresh a token that may be perfectly good).
      const key = this.#keys.get(kid);
      if (key === undefined && this.#lastError !== undefined) throw this.#lastError;
      return key;
    }
    try {
      await this.refresh(userContext);
    } catch (err) {
      const old = this.#keys.get(kid);
      if (old !== undefined) return old;
      throw err;
    }
    return this.#keys.get(kid);
  }

  /** Fetches the key set now (sharing a fetch already under way). */
  refresh(userContext: UserContext | undefined): Promise<void> {
    if (this.#inflight !== undefined) return this.#inflight;
    this.#lastAttemptAt = performance.now();
    const run = async (): Promise<void> => {
      try {
        const jwks = await this.fetchJwks(userContext);
        this.#replaceKeys(jwks);
        this.#fetchedAt = performance.now();
        this.#lastError = undefined;
      } catch (err) {
        this.#lastError = err;
        throw err;
      } finally {
        this.#inflight = undefined;
      }
    };
    this.#inflight = run();
    return this.#inflight;
  }

  /** Takes a key set fetched elsewhere (e.g. by getJWKS) so it is not fetched twice. */
  accept(jwks: JsonWebKeySet): void {
    this.#replaceKeys(jwks);
    this.#fetchedAt = performance.now();
  }

  #replaceKeys(jwks: JsonWebKeySet): void {
    if (jwks === null || typeof jwks !== "object" || !Array.isArray(jwks.keys)) {
      throw new Error("The core's /.well-known/jwks.json did not answer {keys: [...]}");
    }
    const next = new Map<string, KeyObject>();
    for (const jwk of jwks.keys) {
      const kid = jwk?.kid;
      if (typeof kid !== "string") continue;
      // A kid names one key for its whole life, so a KeyObject built once is reused.
      const key = this.#keys.get(kid) ?? toVerifyKey(jwk);
      if (key !== undefined) next.set(kid, key);
    }
    this.#keys = next;
  }
}

/** An RS256 verification key from a JWK, or undefined for keys we must not use (wrong type, use, size). */
function toVerifyKey(jwk: Record<string, unknown>): KeyObject | undefined {
  if (jwk.kty !== "RSA") return undefined;
  if (jwk.alg !== undefined && jwk.alg !== "RS256") return undefined;
  if (jwk.use !== undefined && jwk.use !== "sig") return undefined;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("verify"))) return undefined;
  try {
    const key = createPublicKey({ key: { kty: "RSA", n: jwk.n as string, e: jwk.e as string }, format: "jwk" });
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits >= 2048 ? key : undefined;
  } catch {
    return undefined;
  }
}
