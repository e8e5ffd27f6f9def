/**
 * Sessions over HTTP: which tokens a request carries (cookies or the
 * Authorization header), and how new or cleared tokens go back (cookies, or
 * the st-access-token / st-refresh-token headers), with the front-token and
 * anti-csrf headers the frontend SDKs read. The session work itself is the
 * recipe's (get / refresh / create ...WithoutRequestResponse).
 */
import type { UserContext } from "../../querier/types.js";
import { checkAccessTokenStructure, parseAccessToken } from "../../recipe/session/accessToken.js";
import { SessionError, tryRefreshToken, unauthorised } from "../../recipe/session/error.js";
import * as Session from "../../recipe/session/index.js";
import type { SessionContainer } from "../../recipe/session/sessionContainer.js";
import type { JSONObject, SessionContainerInterface, VerifySessionOptions } from "../../recipe/session/types.js";
import type { RecipeUserId } from "../../recipe/users/recipeUserId.js";
import { withRecipeSpan } from "../../telemetry/recipeSpan.js";
import { cookieValues, serialiseCookie } from "./cookies.js";
import type { AuthRequest, ReplyBag } from "./http.js";
import {
  ACCESS_TOKEN_COOKIE,
  ACCESS_TOKEN_HEADER,
  ANTI_CSRF_HEADER,
  AUTH_MODE_HEADER,
  FRONT_TOKEN_HEADER,
  REFRESH_TOKEN_COOKIE,
  REFRESH_TOKEN_HEADER,
  sessionHttpConfig,
  type SessionHttpConfig,
  type TokenTransferMethod,
} from "./sessionConfig.js";

const TRANSFER_METHODS: readonly TokenTransferMethod[] = ["cookie", "header"];
/** Browsers cap cookie lifetimes near 400 days; the JWT's own expiry is what counts. */
const ACCESS_COOKIE_LIFETIME_MS = 365 * 24 * 3600 * 1000;

type Allowed = TokenTransferMethod | "any";

/** What the request asks for: `st-auth-mode` when creating a session, any method when reading one (or the app's choice). */
function allowedMethod(req: AuthRequest, forCreateNewSession: boolean, userContext: UserContext, config: SessionHttpConfig): Allowed {
  if (config.getTokenTransferMethod !== undefined) {
    const wrapped = { getHeaderValue: (name: string) => req.header(name.toLowerCase()), getMethod: () => req.method.toLowerCase() };
    const chosen = config.getTokenTransferMethod({ req: wrapped, forCreateNewSession, userContext });
    if (chosen === "cookie" || chosen === "header" || chosen === "any") return chosen;
    throw new Error(`Session.init getTokenTransferMethod returned ${JSON.stringify(chosen)}; it must return "cookie", "header" or "any".`);
  }
  if (!forCreateNewSession) return "any";
  const mode = req.header(AUTH_MODE_HEADER)?.toLowerCase();
  return mode === "header" || mode === "cookie" ? mode : "any";
}

/** The token of an `Authorization: Bearer <token>` header, if there is a non-empty one. */
export function bearer(req: AuthRequest): string | undefined {
  const value = req.header("authorization");
  if (value === undefined || !value.startsWith("Bearer ")) return undefined;
  const token = value.slice("Bearer ".length).trim();
  return token === "" ? undefined : token;
}

function looksLikeAccessToken(token: string): boolean {
  try {
    const parsed = parseAccessToken(token);
    checkAccessTokenStructure(parsed.payload, parsed.version);
    return true;
  } catch {
    return false;
  }
}

/** The access token and where it came from: the header first (when allowed), then the cookie. */
function readAccessToken(req: AuthRequest, allowed: Allowed): { method: TokenTransferMethod; token: string } | undefined {
  if (allowed !== "cookie") {
    const token = bearer(req);
    // A bearer token of another kind (an API key, say) is not a session: fall through to the cookie.
    if (token !== undefined && looksLikeAccessToken(token)) return { method: "header", token };
  }
  if (allowed !== "header") {
    const cookies = cookieValues(req.header("cookie"), ACCESS_TOKEN_COOKIE).filter(looksLikeAccessToken);
    if (cookies.length > 1) throw tryRefreshToken("Multiple access tokens present in the request cookies.");
    if (cookies.length === 1) return { method: "cookie", token: cookies[0]! };
  }
  return undefined;
}

function setToken(
  reply: ReplyBag,
  config: SessionHttpConfig,
  type: "access" | "refresh",
  value: string,
  expires: number,
  method: TokenTransferMethod,
): void {
  if (method === "cookie") {
    const name = type === "access" ? ACCESS_TOKEN_COOKIE : REFRESH_TOKEN_COOKIE;
    const path = type === "access" ? config.accessTokenPath : config.refreshTokenPath;
    reply.setCookie(
      name,
      path,
      serialiseCookie(name, value, { path, expires, domain: config.cookieDomain, secure: config.cookieSecure, sameSite: config.cookieSameSite }),
    );
  } else {
    reply.setExposedHeader(type === "access" ? ACCESS_TOKEN_HEADER : REFRESH_TOKEN_HEADER, value);
  }
}

/** Clears the session tokens in one transfer method, and tells the frontend to drop its front token. */
export function clearTokens(reply: ReplyBag, method: TokenTransferMethod, config = sessionHttpConfig()): void {
  setToken(reply, config, "access", "", 0, method);
  setToken(reply, config, "refresh", "", 0, method);
  reply.removeHeader(ANTI_CSRF_HEADER);
  reply.setExposedHeader(FRONT_TOKEN_HEADER, "remove");
}

/** Clears both methods: used when we cannot know which one the client holds. */
export function clearAllTokens(reply: ReplyBag): void {
  const config = sessionHttpConfig();
  for (const method of TRANSFER_METHODS) clearTokens(reply, method, config);
}

/** Writes the session's new tokens (if it has any) to the reply. */
function attachTokens(reply: ReplyBag, session: SessionContainer, method: TokenTransferMethod, config: SessionHttpConfig): void {
  const tokens = session.getAllSessionTokensDangerously();
  if (!tokens.accessAndFrontTokenUpdated) return;
  const accessExpiry = Date.now() + ACCESS_COOKIE_LIFETIME_MS;
  reply.setExposedHeader(FRONT_TOKEN_HEADER, tokens.frontToken);
  setToken(reply, config, "access", tokens.accessToken, accessExpiry, method);
  if (config.exposeAccessTokenToFrontendInCookieBasedAuth && method === "cookie") {
    setToken(reply, config, "access", tokens.accessToken, accessExpiry, "header");
  }
  if (tokens.refreshToken !== undefined) {
    setToken(reply, config, "refresh", tokens.refreshToken, session.getRefreshTokenExpiry() ?? accessExpiry, method);
  }
  if (tokens.antiCsrfToken !== undefined) reply.setExposedHeader(ANTI_CSRF_HEADER, tokens.antiCsrfToken);
}

/**
 * The session as an app sees it inside a request: the recipe's session, whose
 * revokeSession and mergeIntoAccessTokenPayload also update the response's
 * tokens (through `changed`, which re-applies the reply to the native response).
 */
export class RequestSession implements SessionContainerInterface {
  constructor(
    readonly inner: SessionContainer,
    private readonly reply: ReplyBag,
    private readonly method: TokenTransferMethod,
    private readonly changed: () => void,
  ) {}

  getUserId(): string {
    return this.inner.getUserId();
  }
  getRecipeUserId(): RecipeUserId {
    return this.inner.getRecipeUserId();
  }
  getTenantId(): string {
    return this.inner.getTenantId();
  }
  getAccessTokenPayload(): any {
    return this.inner.getAccessTokenPayload();
  }
  getHandle(): string {
    return this.inner.getHandle();
  }
  getAccessToken(): string {
    return this.inner.getAccessToken();
  }
  getAllSessionTokensDangerously() {
    return this.inner.getAllSessionTokensDangerously();
  }
  getSessionDataFromDatabase(userContext?: UserContext): Promise<any> {
    return this.inner.getSessionDataFromDatabase(userContext);
  }
  updateSessionDataInDatabase(data: any, userContext?: UserContext): Promise<any> {
    return this.inner.updateSessionDataInDatabase(data, userContext);
  }
  getTimeCreated(userContext?: UserContext): Promise<number> {
    return this.inner.getTimeCreated(userContext);
  }
  getExpiry(userContext?: UserContext): Promise<number> {
    return this.inner.getExpiry(userContext);
  }
  async revokeSession(userContext?: UserContext): Promise<void> {
    await this.inner.revokeSession(userContext);
    clearTokens(this.reply, this.method);
    this.changed();
  }
  async mergeIntoAccessTokenPayload(update: JSONObject, userContext?: UserContext): Promise<void> {
    await this.inner.mergeIntoAccessTokenPayload(update, userContext);
    attachTokens(this.reply, this.inner, this.method, sessionHttpConfig());
    this.changed();
  }
}

/** verifySession for every framework: getSessionFromRequest inside the `session.verifySession` span. */
export function verifySessionInRequest(
  req: AuthRequest,
  reply: ReplyBag,
  options: VerifySessionOptions | undefined,
  userContext: UserContext,
  changed: () => void,
): Promise<RequestSession | undefined> {
  return withRecipeSpan("session", "verifySession", undefined, async (s) => {
    const found = await getSessionFromRequest(req, reply, options, userContext, changed);
    s.setTenantId(found?.getTenantId());
    s.setResultStatus(found === undefined ? "NO_SESSION" : "OK");
    return found;
  });
}

/** verifySession / signout: the session of this request, or undefined when optional and absent. */
export async function getSessionFromRequest(
  req: AuthRequest,
  reply: ReplyBag,
  options: VerifySessionOptions | undefined,
  userContext: UserContext,
  changed: () => void = () => {},
): Promise<RequestSession | undefined> {
  const config = sessionHttpConfig();
  const allowed = allowedMethod(req, false, userContext, config);
  const found = readAccessToken(req, allowed);
  // Reads are safe from CSRF; a token in a header cannot be sent by another site.
  let antiCsrfCheck = options?.antiCsrfCheck ?? req.method !== "GET";
  if (found === undefined || found.method === "header") antiCsrfCheck = false;
  if (antiCsrfCheck && config.antiCsrf === "VIA_CUSTOM_HEADER") {
    // A cross-site form or link cannot add a custom header; the frontend SDKs send `rid` on every call.
    if (req.header("rid") === undefined) {
      throw tryRefreshToken("anti-csrf check failed: send the 'rid' header (the frontend SDK does), or verify with antiCsrfCheck: false.");
    }
    antiCsrfCheck = false;
  }
  if (config.antiCsrf !== "VIA_TOKEN") antiCsrfCheck = false;
  const session = (await Session.getSessionWithoutRequestResponse(
    found?.token as string,
    req.header(ANTI_CSRF_HEADER),
    { ...options, antiCsrfCheck },
    userContext,
  )) as SessionContainer | undefined;
  if (session === undefined) return undefined;
  const method = found?.method ?? (allowed === "any" ? "header" : allowed);
  attachTokens(reply, session, method, config);
  return new RequestSession(session, reply, method, changed);
}

/** The refresh API: a new access (and refresh) token from the refresh token, in the method it came in. */
export async function refreshSessionFromRequest(req: AuthRequest, reply: ReplyBag, userContext: UserContext): Promise<SessionContainer> {
  const config = sessionHttpConfig();
  const allowed = allowedMethod(req, false, userContext, config);
  const headerToken = bearer(req);
  const cookieToken = cookieValues(req.header("cookie"), REFRESH_TOKEN_COOKIE)[0];
  let method: TokenTransferMethod;
  let token: string;
  if (allowed !== "cookie" && headerToken !== undefined) {
    method = "header";
    token = headerToken;
  } else if (allowed !== "header" && cookieToken !== undefined && cookieToken !== "") {
    method = "cookie";
    token = cookieToken;
  } else {
    throw unauthorised("Refresh token not found. Is the frontend sending it (cookie on the refresh path, or Authorization: Bearer)?", true);
  }
  let disableAntiCsrf = method === "header";
  if (config.antiCsrf === "VIA_CUSTOM_HEADER" && !disableAntiCsrf) {
    if (req.header("rid") === undefined) {
      throw unauthorised("anti-csrf check failed: send the 'rid' header with the refresh call (the frontend SDK does).", true);
    }
    disableAntiCsrf = true;
  }
  if (config.antiCsrf !== "VIA_TOKEN") disableAntiCsrf = true;
  const session = (await Session.refreshSessionWithoutRequestResponse(
    token,
    disableAntiCsrf,
    req.header(ANTI_CSRF_HEADER),
    userContext,
  )) as SessionContainer;
  // A token also sent the other way is stale: clear it so the client holds one session.
  const other: TokenTransferMethod = method === "cookie" ? "header" : "cookie";
  if ((other === "header" ? headerToken : cookieToken) !== undefined) clearTokens(reply, other, config);
  attachTokens(reply, session, method, config);
  return session;
}

/** Sign in / sign up: a new session, its tokens sent the way the frontend asked (st-auth-mode). */
export async function createSessionInRequest(
  req: AuthRequest,
  reply: ReplyBag,
  tenantId: string,
  recipeUserId: RecipeUserId,
  userContext: UserContext,
): Promise<SessionContainer> {
  const config = sessionHttpConfig();
  const allowed = allowedMethod(req, true, userContext, config);
  // No stated preference: headers work for every client; cookies need a browser.
  const method: TokenTransferMethod = allowed === "cookie" ? "cookie" : "header";
  if (method === "cookie" && config.cookieSameSite === "none" && !config.cookieSecure && !config.localDevelopment) {
    throw new Error(
      "Sessions in cookies across sites need SameSite=None, which browsers accept only with Secure: use https for appInfo.apiDomain, or do not set cookieSecure to false.",
    );
  }
  const session = (await Session.createNewSessionWithoutRequestResponse(
    tenantId,
    recipeUserId,
    {},
    {},
    method === "header",
    userContext,
  )) as SessionContainer;
  const other: TokenTransferMethod = method === "cookie" ? "header" : "cookie";
  const otherHasToken = other === "header" ? bearer(req) !== undefined : cookieValues(req.header("cookie"), ACCESS_TOKEN_COOKIE).length > 0;
  if (otherHasToken) clearTokens(reply, other, config);
  attachTokens(reply, session, method, config);
  return session;
}

export { SessionError };
