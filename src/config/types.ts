/**
 * What corelens.init() accepts: the same shape as supertokens-node's init, plus
 * querier options under `supertokens`. Public types, re-exported from
 * "corelens" and "corelens/types".
 */
import type { Dispatcher } from "undici";
import type { NetworkInterceptor } from "../querier/types.js";
import type { RecipeFactory } from "../recipe/types.js";

export interface SupertokensConfig {
  /** One or more core hosts, `;`-separated, each with an optional base path: "http://a:3567;http://b:3567/appid-x". */
  connectionURI: string;
  /** Sent as the `api-key` header on every core call. Never logged, never in an error. */
  apiKey?: string;
  /** Sees (and may change) every request to the core; an array runs in order. */
  networkInterceptor?: NetworkInterceptor | NetworkInterceptor[];
  /** Pin the CDI version (e.g. "5.4"): sent as `cdi-version` without asking the core's /apiversion. */
  cdiVersion?: string;
  /** Milliseconds to open a TCP/TLS connection to a host. Default 10000. Ignored with your own `dispatcher`. */
  connectTimeoutMs?: number;
  /** Milliseconds to wait for the response headers, then again for the body. Default 30000. */
  requestTimeoutMs?: number;
  /** How many times a 429 answer is retried (in total, across hosts). Default 5. */
  maxRetries?: number;
  /** Upper bound on a `Retry-After` wait, in milliseconds. Default 10000. */
  maxRetryAfterMs?: number;
  /** Turn off the per-request GET cache (keyed on userContext). Default false. */
  disableCoreCallCache?: boolean;
  /** Your own undici Dispatcher (proxy, mTLS...). corelens then never closes it. */
  dispatcher?: Dispatcher;
}

export interface AppInfo {
  appName: string;
  apiDomain: string;
  websiteDomain: string;
  /** Default "/auth". */
  apiBasePath?: string;
  /** Default "/auth". */
  websiteBasePath?: string;
}

export interface InitInput {
  supertokens: SupertokensConfig;
  appInfo: AppInfo;
  recipeList?: RecipeFactory[];
  /** `true` (or DEBUG=corelens) logs one line per core request to stderr; a function receives the lines instead. */
  debug?: boolean | ((line: string) => void);
  /** Accepted for supertokens-node compatibility; corelens does not use it. */
  framework?: string;
}

/** One core host from connectionURI. */
export interface CoreHost {
  /** "http://127.0.0.1:3567": what telemetry calls the host origin. */
  origin: string;
  /** "" or "/appid-x": prefixed to every CDI path for this host. */
  basePath: string;
  /** origin + basePath: how errors and logs name the host. */
  label: string;
}
