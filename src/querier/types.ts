/**
 * The shapes every part of a core call shares. Public ones are re-exported from
 * src/index.ts and src/types.ts; the rest stay internal.
 */

/** Lower-case, as supertokens-node passes it to the interceptor. Upper case is accepted back. */
export type HttpMethod = "get" | "post" | "put" | "delete" | "patch";

/** Values a query parameter may hold; `undefined` means "leave it out". */
export type QueryParamValue = string | number | boolean | undefined;

/** What the network interceptor receives and returns: one request to the core, for one attempt. */
export interface HttpRequest {
  /** Absolute URL of this attempt: host + base path + CDI path. May carry its own query string. */
  url: string;
  method: HttpMethod;
  /** Header names are lower-case. */
  headers: Record<string, string>;
  /** Query parameters, for every verb. Merged with any query string in `url`. */
  params?: Record<string, QueryParamValue>;
  /** JSON-serialisable body; `undefined` means no body is sent. */
  body?: unknown;
}

/** The per-call object passed through recipe functions to the interceptor, unchanged. */
export type UserContext = Record<string, any>;

export type NetworkInterceptor = (
  request: HttpRequest,
  userContext: UserContext,
) => HttpRequest | Promise<HttpRequest>;

/**
 * One logical call to the core, as a recipe (or the low-level `callCore`) asks for it.
 * The querier turns it into one HttpRequest per attempt (per host, per retry).
 */
export interface CoreCall {
  method: HttpMethod;
  /**
   * CDI path template, with placeholders, e.g. "/<tenantId>/recipe/signup".
   * It is what spans and metrics call `url.template`, so it must never hold ids.
   */
  path: string;
  /** Values for the template's placeholders, e.g. { tenantId: "public" }. URL-encoded when filled in. */
  pathParams?: Record<string, string>;
  /** Query parameters. */
  params?: Record<string, QueryParamValue>;
  body?: unknown;
  /** The recipe id sent as the `rid` header on recipe paths. */
  rid?: string;
}

/**
 * What recipes and the low-level `callCore` use: send one logical call through
 * the whole pipeline (cache, version, hosts, interceptor, telemetry, retries).
 * Resolves with the parsed JSON (or text) of a 200; rejects with CoreError,
 * CoreTimeoutError, InterceptorError or a connection error naming each host.
 */
export interface CoreQuerier {
  call<T = any>(call: CoreCall, userContext?: UserContext): Promise<T>;
}
