/**
 * InitInput → NormalisedConfig. Everything is checked here, once, so a bad
 * value fails at init with the field's name instead of at the first core call.
 */
import { ConfigError } from "../querier/errors.js";
import type { NetworkInterceptor } from "../querier/types.js";
import type { NormalisedAppInfo, RecipeFactory } from "../recipe/types.js";
import { normaliseAppInfo } from "./appInfo.js";
import { describe, parseConnectionURI } from "./connectionURI.js";
import type { CoreHost, InitInput } from "./types.js";
import type { Dispatcher } from "undici";

/** What the querier needs, checked and with defaults filled in. */
export interface QuerierConfig {
  hosts: CoreHost[];
  apiKey: string | undefined;
  interceptors: NetworkInterceptor[];
  cdiVersion: string | undefined;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  maxRetries: number;
  maxRetryAfterMs: number;
  cacheEnabled: boolean;
  dispatcher: Dispatcher | undefined;
  /** Where debug lines go; undefined = debug logging off. */
  debugSink: ((line: string) => void) | undefined;
  /** Sent to /apiversion as query params, as the official SDKs do. */
  apiDomain: string;
  websiteDomain: string;
}

export interface NormalisedConfig {
  querier: QuerierConfig;
  appInfo: NormalisedAppInfo;
  recipeList: RecipeFactory[];
}

export const DEFAULTS = {
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxRetries: 5,
  maxRetryAfterMs: 10_000,
} as const;

export function normaliseConfig(input: InitInput, env: NodeJS.ProcessEnv = process.env): NormalisedConfig {
  if (typeof input !== "object" || input === null) {
    throw new ConfigError("config", `must be an object with supertokens, appInfo and recipeList (got ${describe(input)})`);
  }
  const st = input.supertokens as unknown;
  if (typeof st !== "object" || st === null) {
    throw new ConfigError("supertokens", `must be an object with at least connectionURI (got ${describe(st)})`);
  }
  const s = input.supertokens;
  const appInfo = normaliseAppInfo(input.appInfo);
  const hosts = parseConnectionURI(s.connectionURI);

  if (s.apiKey !== undefined && (typeof s.apiKey !== "string" || s.apiKey === "")) {
    // Never echo the value: it may be a real key of the wrong type.
    throw new ConfigError("supertokens.apiKey", "must be a non-empty string when given");
  }
  const interceptors = normaliseInterceptors(s.networkInterceptor);

  if (s.cdiVersion !== undefined && (typeof s.cdiVersion !== "string" || !/^\d+\.\d+$/.test(s.cdiVersion))) {
    throw new ConfigError("supertokens.cdiVersion", `must look like "5.4" (got ${describe(s.cdiVersion)})`);
  }
  if (s.dispatcher !== undefined && (typeof s.dispatcher !== "object" || s.dispatcher === null || typeof s.dispatcher.request !== "function")) {
    throw new ConfigError("supertokens.dispatcher", "must be an undici Dispatcher (e.g. new Agent(...) or new ProxyAgent(...))");
  }
  const recipeList = input.recipeList ?? [];
  if (!Array.isArray(recipeList)) throw new ConfigError("recipeList", `must be an array of Recipe.init(...) results (got ${describe(recipeList)})`);
  recipeList.forEach((r, i) => {
    if (typeof r !== "object" || r === null || typeof r.recipeId !== "string" || typeof r.build !== "function") {
      throw new ConfigError(`recipeList[${i}]`, "is not a recipe: put the result of e.g. Session.init() there");
    }
  });

  return {
    appInfo,
    recipeList,
    querier: {
      hosts,
      apiKey: s.apiKey,
      interceptors,
      cdiVersion: s.cdiVersion,
      connectTimeoutMs: positive(s.connectTimeoutMs, "supertokens.connectTimeoutMs", DEFAULTS.connectTimeoutMs),
      requestTimeoutMs: positive(s.requestTimeoutMs, "supertokens.requestTimeoutMs", DEFAULTS.requestTimeoutMs),
      maxRetries: nonNegativeInt(s.maxRetries, "supertokens.maxRetries", DEFAULTS.maxRetries),
      maxRetryAfterMs: nonNegativeInt(s.maxRetryAfterMs, "supertokens.maxRetryAfterMs", DEFAULTS.maxRetryAfterMs),
      cacheEnabled: s.disableCoreCallCache !== true,
      dispatcher: s.dispatcher,
      debugSink: debugSink(input.debug, env),
      apiDomain: appInfo.apiDomain,
      websiteDomain: appInfo.websiteDomain,
    },
  };
}

function normaliseInterceptors(value: unknown): NetworkInterceptor[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  list.forEach((fn, i) => {
    if (typeof fn !== "function") {
      const field = Array.isArray(value) ? `supertokens.networkInterceptor[${i}]` : "supertokens.networkInterceptor";
      throw new ConfigError(field, `must be a function (request, userContext) => request (got ${describe(fn)})`);
    }
  });
  return list as NetworkInterceptor[];
}

function positive(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(field, `must be a positive number of milliseconds (got ${describe(value)})`);
  }
  return value;
}

function nonNegativeInt(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ConfigError(field, `must be a whole number >= 0 (got ${describe(value)})`);
  }
  return value;
}

/** `debug: true` or DEBUG containing "corelens" (or "*") → stderr; a function → that function. */
function debugSink(debug: InitInput["debug"], env: NodeJS.ProcessEnv): ((line: string) => void) | undefined {
  if (typeof debug === "function") return debug;
  if (debug !== undefined && typeof debug !== "boolean") throw new ConfigError("debug", `must be true, false or a function (got ${describe(debug)})`);
  const fromEnv = (env.DEBUG ?? "").split(/[\s,]+/).some((n) => n === "corelens" || n === "corelens*" || n === "*");
  return debug === true || (debug === undefined && fromEnv) ? writeStderr : undefined;
}

function writeStderr(line: string): void {
  process.stderr.write(line + "\n");
}
