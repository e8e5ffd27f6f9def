/**
 * How sessions travel over HTTP for this init: cookie names and attributes,
 * the refresh path, the anti-CSRF mode and the status for an expired session.
 * Derived from Session.init()'s HTTP options and appInfo with supertokens-node's
 * defaults, so a frontend SDK sees the same cookies and headers it knows.
 */
import { getAppInfo, getRecipeInstance } from "../../recipe/registry.js";
import { SESSION_RECIPE_ID, type SessionRecipe } from "../../recipe/session/recipe.js";
import type { AntiCsrfMode } from "../../recipe/session/config.js";
import type { NormalisedAppInfo } from "../../recipe/types.js";
import { isIP } from "node:net";

export type TokenTransferMethod = "cookie" | "header";

export const ACCESS_TOKEN_COOKIE = "sAccessToken";
export const REFRESH_TOKEN_COOKIE = "sRefreshToken";
export const ACCESS_TOKEN_HEADER = "st-access-token";
export const REFRESH_TOKEN_HEADER = "st-refresh-token";
export const FRONT_TOKEN_HEADER = "front-token";
export const ANTI_CSRF_HEADER = "anti-csrf";
export const AUTH_MODE_HEADER = "st-auth-mode";
export const REFRESH_API_PATH = "/session/refresh";

export interface SessionHttpConfig {
  refreshTokenPath: string;
  accessTokenPath: string;
  cookieDomain: string | undefined;
  cookieSecure: boolean;
  cookieSameSite: "strict" | "lax" | "none";
  antiCsrf: AntiCsrfMode;
  sessionExpiredStatusCode: number;
  exposeAccessTokenToFrontendInCookieBasedAuth: boolean;
  /** The app's own choice of transfer method, when it gave one (supertokens-node's signature). */
  getTokenTransferMethod: ((input: { req: unknown; forCreateNewSession: boolean; userContext: unknown }) => string) | undefined;
  /** Both domains are localhost or IP addresses: SameSite=None may go without Secure during development. */
  localDevelopment: boolean;
}

const cache = new WeakMap<SessionRecipe, SessionHttpConfig>();

export function sessionRecipe(): SessionRecipe {
  return getRecipeInstance<SessionRecipe>(SESSION_RECIPE_ID, "Session");
}

export function sessionHttpConfig(): SessionHttpConfig {
  const recipe = sessionRecipe();
  let config = cache.get(recipe);
  if (config === undefined) {
    config = resolve(recipe, getAppInfo());
    cache.set(recipe, config);
  }
  return config;
}

function resolve(recipe: SessionRecipe, appInfo: NormalisedAppInfo): SessionHttpConfig {
  const http = recipe.config.http;
  const api = new URL(appInfo.apiDomain);
  const website = new URL(appInfo.websiteDomain);
  // Same site and same scheme: Lax keeps cookies on top-level navigations; otherwise the browser needs None.
  const sameSite = http.cookieSameSite ?? (siteOf(api.hostname) === siteOf(website.hostname) && api.protocol === website.protocol ? "lax" : "none");
  const antiCsrf: AntiCsrfMode = http.antiCsrfGiven ? recipe.config.antiCsrf : sameSite === "none" ? "VIA_CUSTOM_HEADER" : "NONE";
  const transfer = http.getTokenTransferMethod;
  return {
    refreshTokenPath: appInfo.apiBasePath + REFRESH_API_PATH,
    accessTokenPath: http.accessTokenPath === undefined || http.accessTokenPath === "" ? "/" : http.accessTokenPath,
    cookieDomain: http.cookieDomain,
    cookieSecure: http.cookieSecure ?? api.protocol === "https:",
    cookieSameSite: sameSite,
    antiCsrf,
    sessionExpiredStatusCode: http.sessionExpiredStatusCode ?? 401,
    exposeAccessTokenToFrontendInCookieBasedAuth: http.exposeAccessTokenToFrontendInCookieBasedAuth === true,
    getTokenTransferMethod: typeof transfer === "function" ? (transfer as SessionHttpConfig["getTokenTransferMethod"]) : undefined,
    localDevelopment: isLocal(api.hostname) && isLocal(website.hostname),
  };
}

function isLocal(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || isIP(host) !== 0;
}

/**
 * The registrable part of a host name, approximated as its last two labels
 * (IP addresses and localhost are their own site). Set cookieSameSite
 * explicitly for multi-label public suffixes such as .co.uk.
 */
function siteOf(hostname: string): string {
  if (isLocal(hostname)) return hostname;
  return hostname.split(".").slice(-2).join(".");
}
