/**
 * The session recipe's core calls and local token verification. One instance
 * per init(), built by the registry with the querier and appInfo; the public
 * functions in index.ts find it there.
 */
import type { KeyObject } from "node:crypto";
import type { CoreQuerier, UserContext } from "../../querier/types.js";
import type { RecipeContext } from "../types.js";
import type { RecipeSpan } from "../../telemetry/recipeSpan.js";
import { DEFAULT_TENANT_ID } from "../constants.js";
import { RecipeUserId } from "../users/recipeUserId.js";
import {
  checkAccessTokenStructure,
  parseAccessToken,
  payloadOf,
  signatureIsValid,
  stringClaim,
  type ParsedAccessToken,
} from "./accessToken.js";
import type { SessionConfig } from "./config.js";
import { SessionError, tryRefreshToken, unauthorised } from "./error.js";
import { JwksCache, type JsonWebKeySet } from "./jwks.js";
import { PROTECTED_PROPS } from "./protectedProps.js";
import { SessionContainer, type SessionCalls } from "./sessionContainer.js";
import type { JSONObject, SessionInformation, TokenInfo, VerifySessionOptions } from "./types.js";

export const SESSION_RECIPE_ID = "session";
const RID = SESSION_RECIPE_ID;

/** The core's reply to create and refresh. */
interface CoreSessionTokens {
  session: { handle: string; userId: string; recipeUserId: string; userDataInJWT: any; tenantId: string };
  accessToken: TokenInfo;
  refreshToken: TokenInfo;
  antiCsrfToken?: string;
}

/** What local verification learnt from a token. */
interface VerifiedClaims {
  sessionHandle: string;
  userId: string;
  recipeUserId: string;
  tenantId: string | undefined;
  expiry: number;
  parentRefreshTokenHash1: string | undefined;
  antiCsrfToken: string | undefined;
}

/** How many verified signatures to remember (about 1 KB each). */
const VERIFIED_SIGNATURES_MAX = 4096;

export class SessionRecipe implements SessionCalls {
  readonly querier: CoreQuerier;
  readonly config: SessionConfig;
  readonly jwks: JwksCache;
  /** The `iss` claim supertokens-node puts in tokens it creates: apiDomain + apiBasePath. */
  readonly issuer: string;
  /**
   * Tokens whose signature already verified, with the key that verified it. A
   * user presents the same access token on every request for its lifetime, and
   * the RSA check is most of the cost of verification. Keyed on the exact token
   * text (so a changed byte is a miss), honoured only while that same key is
   * still in the JWKS cache; expiry and claims are still checked on every call.
   */
  readonly #verifiedSignatures = new Map<string, KeyObject>();

  constructor(config: SessionConfig, ctx: RecipeContext) {
    this.querier = ctx.querier;
    this.config = config;
    this.issuer = ctx.appInfo.apiDomain + ctx.appInfo.apiBasePath;
    this.jwks = new JwksCache((uc) => this.fetchJwks(uc), {
      maxAgeMs: config.jwksRefreshIntervalMs,
      missCooldownMs: config.jwksMissCooldownMs,
    });
  }

  fetchJwks(userContext: UserContext | undefined): Promise<JsonWebKeySet> {
    return this.querier.call<JsonWebKeySet>({ method: "get", path: "/.well-known/jwks.json" }, userContext);
  }

  async createNewSession(
    tenantId: string,
    recipeUserId: string,
    accessTokenPayload: JSONObject,
    sessionDataInDatabase: any,
    disableAntiCsrf: boolean,
    userContext: UserContext,
  ): Promise<SessionContainer> {
    const userDataInJWT: JSONObject = { ...accessTokenPayload, iss: this.issuer };
    for (const key of PROTECTED_PROPS) delete userDataInJWT[key];
    const response = await this.querier.call<CoreSessionTokens>(
      {
        method: "post",
        path: "/<tenantId>/recipe/session",
        pathParams: { tenantId },
        rid: RID,
        body: {
          userId: recipeUserId,
          userDataInJWT,
          userDataInDatabase: sessionDataInDatabase ?? {},
          useDynamicSigningKey: this.config.useDynamicAccessTokenSigningKey,
          enableAntiCsrf: !disableAntiCsrf && this.config.antiCsrf === "VIA_TOKEN",
        },
      },
      userContext,
    );
    return this.#fromTokens(response, tenantId);
  }

  /**
   * Verifies the token locally (signature, expiry, structure, anti-CSRF) and
   * calls the core only when asked to (checkDatabase) or when the token is
   * the first one after a refresh (it carries parentRefreshTokenHash1, and
   * the core must promote the new refresh token).
   */
  async getSession(
    accessToken: string | undefined,
    antiCsrfToken: string | undefined,
    options: VerifySessionOptions | undefined,
    userContext: UserContext,
    span: RecipeSpan,
  ): Promise<SessionContainer | undefined> {
    const doAntiCsrfCheck = options?.antiCsrfCheck !== false;
    const checkDatabase = options?.checkDatabase === true;
    if (doAntiCsrfCheck && this.config.antiCsrf === "VIA_CUSTOM_HEADER") {
      throw new Error(
        "Session: with antiCsrf VIA_CUSTOM_HEADER, getSessionWithoutRequestResponse cannot check the anti-CSRF token. " +
          "Check the custom header yourself and pass { antiCsrfCheck: false }, or use antiCsrf VIA_TOKEN.",
      );
    }
    if (accessToken === undefined) {
      if (options?.sessionRequired === false) return undefined;
      throw unauthorised("No access token was given, so there is no session.", false);
    }

    let parsed: ParsedAccessToken;
    try {
      parsed = parseAccessToken(accessToken);
      checkAccessTokenStructure(parsed.payload, parsed.version);
    } catch {
      if (options?.sessionRequired === false) return undefined;
      throw unauthorised("Token parsing failed", false);
    }

    const viaToken = this.config.antiCsrf === "VIA_TOKEN" && doAntiCsrfCheck;
    let claims: VerifiedClaims | undefined;
    if (parsed.version >= 3) {
      claims = await this.#verifyLocally(parsed, viaToken, userContext);
      span.setTenantId(claims.tenantId);
      if (parsed.kid!.startsWith("d-") !== this.config.useDynamicAccessTokenSigningKey) {
        throw tryRefreshToken("The access token doesn't match the useDynamicAccessTokenSigningKey setting");
      }
      if (viaToken) {
        if (antiCsrfToken === undefined) {
          throw tryRefreshToken("No anti-CSRF token was given; pass it, or { antiCsrfCheck: false } where none is needed");
        }
        if (antiCsrfToken !== claims.antiCsrfToken) throw tryRefreshToken("anti-csrf check failed");
      }
      if (!checkDatabase && claims.parentRefreshTokenHash1 === undefined) {
        return new SessionContainer(this, {
          accessToken,
          accessTokenExpiry: claims.expiry,
          refreshToken: undefined,
          antiCsrfToken,
          sessionHandle: claims.sessionHandle,
          userId: claims.userId,
          recipeUserId: new RecipeUserId(claims.recipeUserId),
          payload: parsed.payload,
          accessTokenUpdated: false,
          tenantId: claims.tenantId as string,
        });
      }
    } else {
      // Legacy kid-less tokens: the core checks them (it knows which key signed them).
      const expiry = parsed.payload.expiryTime as number;
      if (expiry < Date.now()) throw tryRefreshToken("Failed to verify access token");
    }

    const response = await this.querier.call<any>(
      {
        method: "post",
        path: "/recipe/session/verify",
        rid: RID,
        body: {
          accessToken,
          antiCsrfToken,
          doAntiCsrfCheck,
          enableAntiCsrf: this.config.antiCsrf === "VIA_TOKEN",
          checkDatabase,
        },
      },
      userContext,
    );
    if (response.status === "UNAUTHORISED") throw unauthorised(String(response.message ?? "Session does not exist"));
    if (response.status !== "OK") throw tryRefreshToken(String(response.message ?? "The core could not verify the token"));
    const newToken: TokenInfo | undefined = response.accessToken;
    const payload = newToken !== undefined ? payloadOf(newToken.token) : parsed.version >= 3 ? parsed.payload : response.session.userDataInJWT;
    const tenantId = response.session.tenantId || claims?.tenantId || DEFAULT_TENANT_ID;
    span.setTenantId(tenantId);
    return new SessionContainer(this, {
      accessToken: newToken?.token ?? accessToken,
      accessTokenExpiry: newToken?.expiry ?? claims?.expiry ?? parsed.payload.expiryTime,
      refreshToken: undefined,
      antiCsrfToken,
      sessionHandle: response.session.handle,
      userId: response.session.userId,
      recipeUserId: new RecipeUserId(response.session.recipeUserId),
      payload,
      accessTokenUpdated: newToken !== undefined,
      tenantId,
    });
  }

  /** Signature (keys cached by kid), expiry and the anti-CSRF claim; every failure is TRY_REFRESH_TOKEN. */
  async #verifyLocally(token: ParsedAccessToken, antiCsrfClaimNeeded: boolean, userContext: UserContext): Promise<VerifiedClaims> {
    const kid = token.kid!;
    const key = this.jwks.cachedKey(kid) ?? (await this.jwks.getKey(kid, userContext));
    if (key === undefined) throw tryRefreshToken("Failed to verify access token");
    if (this.#verifiedSignatures.get(token.raw) !== key) {
      if (!signatureIsValid(token, key)) throw tryRefreshToken("Failed to verify access token");
      if (this.#verifiedSignatures.size >= VERIFIED_SIGNATURES_MAX) {
        // Oldest first (Map keeps insertion order).
        this.#verifiedSignatures.delete(this.#verifiedSignatures.keys().next().value!);
      }
      this.#verifiedSignatures.set(token.raw, key);
    }
    const p = token.payload;
    const nowSec = Math.floor(Date.now() / 1000);
    // exp is in seconds; a token whose exp second has begun is expired.
    if (p.exp <= nowSec) throw tryRefreshToken("Failed to verify access token");
    if (p.nbf !== undefined && (typeof p.nbf !== "number" || p.nbf > nowSec)) {
      throw tryRefreshToken("Failed to verify access token");
    }
    const antiCsrf = stringClaim(p.antiCsrfToken);
    if (antiCsrfClaimNeeded && antiCsrf === undefined) throw tryRefreshToken("Failed to verify access token");
    return {
      sessionHandle: p.sessionHandle,
      userId: p.sub,
      recipeUserId: stringClaim(p.rsub) ?? p.sub,
      tenantId: token.version >= 4 ? stringClaim(p.tId) : DEFAULT_TENANT_ID,
      expiry: p.exp * 1000,
      parentRefreshTokenHash1: stringClaim(p.parentRefreshTokenHash1),
      antiCsrfToken: antiCsrf,
    };
  }

  async refreshSession(
    refreshToken: string,
    disableAntiCsrf: boolean,
    antiCsrfToken: string | undefined,
    userContext: UserContext,
  ): Promise<SessionContainer> {
    if (!disableAntiCsrf && this.config.antiCsrf === "VIA_CUSTOM_HEADER") {
      throw new Error(
        "Session: with antiCsrf VIA_CUSTOM_HEADER, refreshSessionWithoutRequestResponse cannot check the anti-CSRF token. " +
          "Check the custom header yourself and pass disableAntiCsrf = true, or use antiCsrf VIA_TOKEN.",
      );
    }
    const response = await this.querier.call<any>(
      {
        method: "post",
        path: "/recipe/session/refresh",
        rid: RID,
        body: {
          refreshToken,
          antiCsrfToken,
          enableAntiCsrf: !disableAntiCsrf && this.config.antiCsrf === "VIA_TOKEN",
          useDynamicSigningKey: this.config.useDynamicAccessTokenSigningKey,
        },
      },
      userContext,
    );
    if (response.status === "OK") {
      const tokens = response as CoreSessionTokens;
      return this.#fromTokens(tokens);
    }
    if (response.status === "UNAUTHORISED") throw unauthorised(String(response.message ?? "Refresh token is not valid"));
    throw new SessionError({
      type: "TOKEN_THEFT_DETECTED",
      message: "Token theft detected",
      payload: {
        recipeUserId: new RecipeUserId(response.session.recipeUserId),
        userId: response.session.userId,
        sessionHandle: response.session.handle,
      },
    });
  }

  /** `tenantId` defaults to the new access token's own (`tId`), as after a refresh. */
  #fromTokens(response: CoreSessionTokens, tenantId?: string): SessionContainer {
    const payload = payloadOf(response.accessToken.token);
    return new SessionContainer(this, {
      accessToken: response.accessToken.token,
      accessTokenExpiry: response.accessToken.expiry,
      refreshToken: {
        token: response.refreshToken.token,
        expiry: response.refreshToken.expiry,
        createdTime: response.refreshToken.createdTime,
      },
      antiCsrfToken: response.antiCsrfToken,
      sessionHandle: response.session.handle,
      userId: response.session.userId,
      recipeUserId: new RecipeUserId(response.session.recipeUserId),
      payload,
      accessTokenUpdated: true,
      tenantId: tenantId ?? payload.tId,
    });
  }

  async getSessionInformation(sessionHandle: string, userContext: UserContext): Promise<SessionInformation | undefined> {
    const response = await this.querier.call<any>(
      { method: "get", path: "/recipe/session", params: { sessionHandle }, rid: RID },
      userContext,
    );
    if (response.status !== "OK") return undefined;
    return {
      sessionHandle: response.sessionHandle,
      timeCreated: response.timeCreated,
      expiry: response.expiry,
      userId: response.userId,
      recipeUserId: new RecipeUserId(response.recipeUserId),
      sessionDataInDatabase: response.userDataInDatabase,
      customClaimsInAccessTokenPayload: response.userDataInJWT,
      tenantId: response.tenantId,
    };
  }

  async revokeAllSessionsForUser(
    userId: string,
    revokeSessionsForLinkedAccounts: boolean,
    tenantId: string | undefined,
    userContext: UserContext,
  ): Promise<string[]> {
    const acrossAllTenants = tenantId === undefined;
    const body = { userId, revokeSessionsForLinkedAccounts, revokeAcrossAllTenants: acrossAllTenants };
    const response = await this.querier.call<any>(
      acrossAllTenants
        ? { method: "post", path: "/recipe/session/remove", rid: RID, body }
        : { method: "post", path: "/<tenantId>/recipe/session/remove", pathParams: { tenantId }, rid: RID, body },
      userContext,
    );
    return response.sessionHandlesRevoked;
  }

  async getAllSessionHandlesForUser(
    userId: string,
    fetchSessionsForAllLinkedAccounts: boolean,
    tenantId: string | undefined,
    userContext: UserContext,
  ): Promise<string[]> {
    const acrossAllTenants = tenantId === undefined;
    const params = { userId, fetchSessionsForAllLinkedAccounts, fetchAcrossAllTenants: acrossAllTenants };
    const response = await this.querier.call<any>(
      acrossAllTenants
        ? { method: "get", path: "/recipe/session/user", rid: RID, params }
        : { method: "get", path: "/<tenantId>/recipe/session/user", pathParams: { tenantId }, rid: RID, params },
      userContext,
    );
    return response.sessionHandles;
  }

  async revokeSession(sessionHandle: string, userContext: UserContext): Promise<boolean> {
    return (await this.revokeMultipleSessions([sessionHandle], userContext)).length === 1;
  }

  async revokeMultipleSessions(sessionHandles: string[], userContext: UserContext): Promise<string[]> {
    const response = await this.querier.call<any>(
      { method: "post", path: "/recipe/session/remove", rid: RID, body: { sessionHandles } },
      userContext,
    );
    return response.sessionHandlesRevoked;
  }

  async updateSessionDataInDatabase(sessionHandle: string, data: any, userContext: UserContext): Promise<boolean> {
    const response = await this.querier.call<any>(
      { method: "put", path: "/recipe/session/data", rid: RID, body: { sessionHandle, userDataInDatabase: data ?? {} } },
      userContext,
    );
    return response.status !== "UNAUTHORISED";
  }

  /** Changes the stored payload; tokens already issued keep theirs until refreshed. */
  async mergeIntoAccessTokenPayload(sessionHandle: string, update: JSONObject, userContext: UserContext): Promise<boolean> {
    const info = await this.getSessionInformation(sessionHandle, userContext);
    if (info === undefined) return false;
    const merged: JSONObject = { ...info.customClaimsInAccessTokenPayload };
    for (const key of PROTECTED_PROPS) delete merged[key];
    Object.assign(merged, update);
    for (const [key, value] of Object.entries(update)) {
      if (value === null) delete merged[key];
    }
    const response = await this.querier.call<any>(
      { method: "put", path: "/recipe/jwt/data", rid: RID, body: { sessionHandle, userDataInJWT: merged } },
      userContext,
    );
    return response.status !== "UNAUTHORISED";
  }

  async regenerateAccessToken(
    accessToken: string,
    newPayload: JSONObject,
    userContext: UserContext,
  ): Promise<{ accessToken?: TokenInfo; session: { userDataInJWT: any } } | undefined> {
    const response = await this.querier.call<any>(
      { method: "post", path: "/recipe/session/regenerate", rid: RID, body: { accessToken, userDataInJWT: newPayload } },
      userContext,
    );
    if (response.status === "UNAUTHORISED") return undefined;
    return { accessToken: response.accessToken, session: response.session };
  }

  /** The core's public keys, fetched now; the verification cache takes them too. */
  async getJWKS(userContext: UserContext): Promise<{ keys: JsonWebKeySet["keys"]; validityInSeconds?: number }> {
    const jwks = await this.fetchJwks(userContext);
    this.jwks.accept(jwks);
    return { validityInSeconds: DEFAULT_JWKS_VALIDITY_SEC, ...jwks };
  }
}

/** The core's key overlap: a new key is published this long before it signs. */
const DEFAULT_JWKS_VALIDITY_SEC = 60;

export function sessionRecipeFactory(config: SessionConfig) {
  return {
    recipeId: SESSION_RECIPE_ID,
    build: (ctx: RecipeContext) => new SessionRecipe(config, ctx),
  };
}
