import type { UserContext } from "../../querier/types.js";

/**
 * One userContext per HTTP request: it reaches the network interceptor with
 * each core call of the request, and keys the querier's per-request GET cache.
 * `_default.request` holds the framework's request, as in supertokens-node.
 */
export function requestUserContext(nativeRequest: unknown): UserContext {
  return { _default: { request: nativeRequest } };
}
