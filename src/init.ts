/**
 * corelens.init(), close() and callCore(): the lifecycle of the process-wide
 * state (src/recipe/registry.ts). init validates everything before touching the
 * current state, so a bad config leaves the previous init working.
 */
import { normaliseConfig } from "./config/normalise.js";
import type { InitInput } from "./config/types.js";
import { Querier } from "./querier/querier.js";
import type { HttpMethod, QueryParamValue, UserContext } from "./querier/types.js";
import { buildRecipes, getQuerier, replaceState } from "./recipe/registry.js";

export function init(input: InitInput): void {
  const config = normaliseConfig(input);
  const querier = new Querier(config.querier);
  let recipes: Map<string, unknown>;
  try {
    recipes = buildRecipes(config.recipeList, { querier, appInfo: config.appInfo });
  } catch (err) {
    void querier.close().catch(() => {});
    throw err;
  }
  const previous = replaceState({ querier, appInfo: config.appInfo, recipes, close: () => querier.close() });
  // Calls still running on the old pool finish; new calls use the new one.
  if (previous !== undefined) void previous.close().catch(() => {});
}

/** Forgets the current init and closes its connection pool (waits for in-flight calls). For tests and shutdown. */
export async function close(): Promise<void> {
  const previous = replaceState(undefined);
  if (previous !== undefined) await previous.close();
}

/** A request to any core endpoint, for endpoints no recipe covers yet. */
export interface CoreRequest {
  /** Any case: "get", "POST"... */
  method: HttpMethod | Uppercase<HttpMethod>;
  /** CDI path, may hold placeholders: "/<tenantId>/recipe/signup". */
  path: string;
  /** Values for the placeholders, URL-encoded when filled in. */
  pathParams?: Record<string, string>;
  params?: Record<string, QueryParamValue>;
  body?: unknown;
  /** Sent as the `rid` header when the path is a recipe path. */
  rid?: string;
}

const METHODS = new Set(["get", "post", "put", "delete", "patch"]);

/**
 * Sends one request to the core through the whole pipeline (cache, version,
 * hosts, interceptor, telemetry, retries). Resolves with the parsed 200 answer.
 */
export function callCore<T = any>(request: CoreRequest, userContext?: UserContext): Promise<T> {
  const method = typeof request?.method === "string" ? request.method.toLowerCase() : "";
  if (!METHODS.has(method)) {
    return Promise.reject(new TypeError(`callCore: method must be get, post, put, delete or patch (got ${String(request?.method)})`));
  }
  if (typeof request.path !== "string" || request.path === "") {
    return Promise.reject(new TypeError("callCore: path must be a non-empty string such as \"/recipe/user\""));
  }
  try {
    return getQuerier().call<T>({ ...request, method: method as HttpMethod }, userContext);
  } catch (err) {
    return Promise.reject(err);
  }
}
