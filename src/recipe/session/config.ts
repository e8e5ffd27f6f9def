/**
 * Session.init() input. The names are supertokens-node's; the options that
 * only shape HTTP responses (cookies, headers, status codes) do not affect the
 * session functions, which take and return tokens directly: they are kept in
 * `http` for the framework integration (src/framework), which applies them.
 * `override` is refused: silently skipping an app's overrides could skip its
 * security checks.
 */
import { badInput } from "../error.js";

export type AntiCsrfMode = "VIA_TOKEN" | "VIA_CUSTOM_HEADER" | "NONE";

export interface SessionConfigInput {
  /** Sign new access tokens with the rotating (`d-`) key. Default true. Tokens signed otherwise get TRY_REFRESH_TOKEN. */
  useDynamicAccessTokenSigningKey?: boolean;
  /** Default: NONE (supertokens-node's default resolves to NONE or VIA_CUSTOM_HEADER from cookie settings; neither checks tokens here). */
  antiCsrf?: AntiCsrfMode;
  /** How long fetched signing keys are trusted before a refetch. Default 14400 s (4 h), as supertokens-node. */
  jwksRefreshIntervalSec?: number;
  /** Applied by the framework integration (corelens/framework/*), not by the ...WithoutRequestResponse functions. */
  cookieSecure?: boolean;
  cookieSameSite?: "strict" | "lax" | "none";
  cookieDomain?: string;
  olderCookieDomain?: string;
  sessionExpiredStatusCode?: number;
  invalidClaimStatusCode?: number;
  accessTokenPath?: string;
  exposeAccessTokenToFrontendInCookieBasedAuth?: boolean;
  getTokenTransferMethod?: unknown;
  getCookieNameForTokenType?: unknown;
  getResponseHeaderNameForTokenType?: unknown;
  errorHandlers?: unknown;
  /** Not supported: throws at init. */
  override?: unknown;
}

export interface SessionConfig {
  useDynamicAccessTokenSigningKey: boolean;
  antiCsrf: AntiCsrfMode;
  jwksRefreshIntervalMs: number;
  /** Minimum time between two key-miss JWKS fetches. */
  jwksMissCooldownMs: number;
  /** The HTTP options as given, for the framework integration (src/framework), which applies them. */
  http: SessionHttpOptions;
}

/** The options that shape HTTP responses; read by src/framework, unused by the recipe functions. */
export interface SessionHttpOptions {
  /** Whether the app set antiCsrf itself (otherwise the framework picks it from the cookie SameSite, as supertokens-node does). */
  antiCsrfGiven: boolean;
  cookieSecure?: boolean;
  cookieSameSite?: "strict" | "lax" | "none";
  cookieDomain?: string;
  sessionExpiredStatusCode?: number;
  accessTokenPath?: string;
  exposeAccessTokenToFrontendInCookieBasedAuth?: boolean;
  getTokenTransferMethod?: unknown;
}

const ANTI_CSRF_MODES: readonly AntiCsrfMode[] = ["VIA_TOKEN", "VIA_CUSTOM_HEADER", "NONE"];

/** Short enough that a freshly rotated key is picked up at once, long enough that a token flood is one fetch. */
export const JWKS_MISS_COOLDOWN_MS = 1000;

export function normaliseSessionConfig(input: SessionConfigInput | undefined): SessionConfig {
  const config = input ?? {};
  if (typeof config !== "object") throw badInput("Session.init(config): config must be an object or undefined.");
  if (config.override !== undefined) {
    throw badInput(
      "Session.init: `override` is not supported by corelens. Remove it, or wrap the Session functions in your own code.",
    );
  }
  const useDynamic = config.useDynamicAccessTokenSigningKey ?? true;
  if (typeof useDynamic !== "boolean") {
    throw badInput("Session.init: useDynamicAccessTokenSigningKey must be a boolean.");
  }
  const antiCsrf = config.antiCsrf ?? "NONE";
  if (!ANTI_CSRF_MODES.includes(antiCsrf)) {
    throw badInput(`Session.init: antiCsrf must be one of ${ANTI_CSRF_MODES.join(", ")}; got ${String(antiCsrf)}.`);
  }
  const refreshSec = config.jwksRefreshIntervalSec ?? 14400;
  if (typeof refreshSec !== "number" || !(refreshSec > 0)) {
    throw badInput("Session.init: jwksRefreshIntervalSec must be a positive number of seconds.");
  }
  return {
    useDynamicAccessTokenSigningKey: useDynamic,
    antiCsrf,
    jwksRefreshIntervalMs: refreshSec * 1000,
    jwksMissCooldownMs: JWKS_MISS_COOLDOWN_MS,
    http: {
      antiCsrfGiven: config.antiCsrf !== undefined,
      cookieSecure: config.cookieSecure,
      cookieSameSite: config.cookieSameSite,
      cookieDomain: config.cookieDomain,
      sessionExpiredStatusCode: config.sessionExpiredStatusCode,
      accessTokenPath: config.accessTokenPath,
      exposeAccessTokenToFrontendInCookieBasedAuth: config.exposeAccessTokenToFrontendInCookieBasedAuth,
      getTokenTransferMethod: config.getTokenTransferMethod,
    },
  };
}
