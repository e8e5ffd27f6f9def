/**
 * Session recipe, with the core's CDI <= 5.4 refresh-token rotation:
 * - create: new refresh token RT (no parent); the DB keeps sha256(sha256(RT)).
 * - refresh with the stored RT: a child RT' (parent = sha256(RT)) and an access
 *   token carrying parentRefreshTokenHash1; the DB is NOT rotated yet.
 * - the child is promoted (DB := hash of RT') when its access token is verified
 *   or when RT' itself is used to refresh.
 * - a refresh token that is neither the stored one nor its child is a reuse:
 *   TOKEN_THEFT_DETECTED.
 * Business outcomes are HTTP 200 with a status, as the SDKs expect.
 */
import { randomUUID } from "node:crypto";
import { hasProtectedClaim, mintAccessToken, PROTECTED_FIELD_MESSAGE, verifyAccessToken, type AccessTokenClaims } from "../access-token.js";
import { badRequest, json, ok, type Reply } from "../http.js";
import type { JsonObject } from "../input.js";
import { sha256hex } from "../refresh-token.js";
import type { Route } from "../router.js";
import type { DevCoreState } from "../state.js";
import { PUBLIC_TENANT, type SessionRecord } from "../storage/store.js";

const unauthorised = (message: string): Reply => json({ status: "UNAUTHORISED", message });
const tryRefresh = (message: string): Reply => json({ status: "TRY_REFRESH_TOKEN", message });
const SESSION_DOES_NOT_EXIST = "Session does not exist.";

function sessionJson(s: SessionRecord, userDataInJWT: JsonObject = s.userDataInJWT): Record<string, unknown> {
  return { handle: s.handle, userId: s.userId, recipeUserId: s.recipeUserId, userDataInJWT, tenantId: s.tenantId };
}

/** The stored session, unless missing or past its expiry. */
function liveSession(state: DevCoreState, app: string, handle: string): SessionRecord | undefined {
  const session = state.store.getSession(app, handle);
  return session && session.expiry > state.now() ? session : undefined;
}

/** Applies change to the stored session if it still exists (it may have been revoked during an await). */
function updateSession(state: DevCoreState, app: string, handle: string, change: (s: SessionRecord) => SessionRecord): SessionRecord | undefined {
  return state.store.transaction(() => {
    const current = liveSession(state, app, handle);
    if (!current) return undefined;
    const next = change(current);
    state.store.putSession(app, next);
    return next;
  });
}

function mint(state: DevCoreState, claims: AccessTokenClaims, now: number, useDynamicKey: boolean, expiresAt = now + state.config.accessTokenValidityMs) {
  return mintAccessToken(state.keys, claims, { now, expiresAt, useDynamicKey });
}

function claimsOf(s: SessionRecord, refreshTokenHash1: string, parentRefreshTokenHash1: string | null, antiCsrfToken: string | null): AccessTokenClaims {
  return { userId: s.userId, recipeUserId: s.recipeUserId, tenantId: s.tenantId, sessionHandle: s.handle, refreshTokenHash1, parentRefreshTokenHash1, antiCsrfToken, userData: s.userDataInJWT };
}

export const sessionRoutes: Route[] = [
  {
    method: "POST",
    path: "/recipe/session",
    tenantScoped: true,
    handle: async ({ state, appId, tenantId, body }) => {
      const input = body();
      const userId = input.string("userId");
      const userDataInJWT = input.object("userDataInJWT");
      const userDataInDatabase = input.object("userDataInDatabase");
      const enableAntiCsrf = input.boolean("enableAntiCsrf");
      const useDynamicKey = input.optionalBoolean("useDynamicSigningKey", true);
      if (hasProtectedClaim(userDataInJWT)) throw badRequest(PROTECTED_FIELD_MESSAGE);
      const now = state.now();
      const handle = randomUUID() + (tenantId === PUBLIC_TENANT ? "" : `_${tenantId}`);
      const antiCsrfToken = enableAntiCsrf ? randomUUID() : null;
      const refreshToken = state.refreshTokens.create({ sessionHandle: handle, userId, tenantId, parentRefreshTokenHash1: null, antiCsrfToken });
      const refreshExpiry = now + state.config.refreshTokenValidityMs;
      const session: SessionRecord = {
        handle,
        userId,
        recipeUserId: userId,
        tenantId,
        userDataInJWT,
        userDataInDatabase,
        refreshTokenHash2: sha256hex(sha256hex(refreshToken)),
        expiry: refreshExpiry,
        timeCreated: now,
      };
      const accessToken = await mint(state, claimsOf(session, sha256hex(refreshToken), null, antiCsrfToken), now, useDynamicKey);
      state.store.putSession(appId, session);
      return ok({
        session: sessionJson(session),
        accessToken,
        refreshToken: { token: refreshToken, expiry: refreshExpiry, createdTime: now },
        ...(antiCsrfToken ? { antiCsrfToken } : {}),
      });
    },
  },
  {
    method: "POST",
    path: "/recipe/session/verify",
    tenantScoped: false,
    handle: async ({ state, appId, body }) => {
      const input = body();
      const token = input.string("accessToken");
      const antiCsrfToken = input.optionalString("antiCsrfToken");
      const doAntiCsrfCheck = input.boolean("doAntiCsrfCheck");
      const enableAntiCsrf = input.boolean("enableAntiCsrf");
      const checkDatabase = input.boolean("checkDatabase");
      const now = state.now();
      const verified = verifyAccessToken(state.keys, token, now);
      if (!verified.ok) return tryRefresh(verified.reason);
      if (verified.expired) return tryRefresh("Access token expired");
      const c = verified.claims;
      if (enableAntiCsrf && doAntiCsrfCheck) {
        if (c.antiCsrfToken === null) return tryRefresh("Access token does not contain the anti-csrf token");
        if (antiCsrfToken !== c.antiCsrfToken) return tryRefresh("anti-csrf check failed");
      }
      const fromToken = { handle: c.sessionHandle, userId: c.userId, recipeUserId: c.recipeUserId, userDataInJWT: c.userData, tenantId: c.tenantId };
      // Stateless unless asked to check the DB or the token comes from a refresh that is not yet promoted.
      if (c.parentRefreshTokenHash1 === null && !checkDatabase) return ok({ session: fromToken });
      const session = liveSession(state, appId, c.sessionHandle);
      if (!session) return unauthorised(c.parentRefreshTokenHash1 === null ? "Either the session has ended or has been blacklisted" : "Session missing in db");
      const useDynamicKey = verified.kid.startsWith("d-");
      const current = sha256hex(c.refreshTokenHash1);
      if (c.parentRefreshTokenHash1 !== null && session.refreshTokenHash2 === sha256hex(c.parentRefreshTokenHash1)) {
        // Promotion: this token's refresh token becomes the stored one.
        const accessToken = await mint(state, claimsOf(session, c.refreshTokenHash1, null, c.antiCsrfToken), now, useDynamicKey);
        const promoted = updateSession(state, appId, session.handle, (s) => ({ ...s, refreshTokenHash2: current, expiry: now + state.config.refreshTokenValidityMs }));
        if (!promoted) return unauthorised("Session missing in db");
        return ok({ session: sessionJson(promoted), accessToken });
      }
      const payloadChanged = checkDatabase && JSON.stringify(session.userDataInJWT) !== JSON.stringify(c.userData);
      if ((session.refreshTokenHash2 === current && c.parentRefreshTokenHash1 !== null) || payloadChanged) {
        const accessToken = await mint(state, claimsOf(session, c.refreshTokenHash1, null, c.antiCsrfToken), now, useDynamicKey);
        return ok({ session: sessionJson(session), accessToken });
      }
      return ok({ session: fromToken });
    },
  },
  {
    method: "POST",
    path: "/recipe/session/refresh",
    tenantScoped: false,
    handle: async ({ state, appId, body }) => {
      const input = body();
      const refreshToken = input.string("refreshToken");
      const enableAntiCsrf = input.boolean("enableAntiCsrf");
      const antiCsrfToken = input.optionalString("antiCsrfToken");
      const useDynamicKey = input.optionalBoolean("useDynamicSigningKey", true);
      const info = state.refreshTokens.read(refreshToken);
      if (!info) return unauthorised("The refresh token is invalid");
      if (enableAntiCsrf && info.antiCsrfToken !== null && info.antiCsrfToken !== antiCsrfToken) return unauthorised("Anti CSRF token missing, or not matching");
      const now = state.now();
      const session = liveSession(state, appId, info.sessionHandle);
      if (!session) return unauthorised("Session missing in db or has expired");
      const hash1 = sha256hex(refreshToken);
      let current = session;
      if (session.refreshTokenHash2 !== sha256hex(hash1)) {
        const isChildOfStored = info.parentRefreshTokenHash1 !== null && session.refreshTokenHash2 === sha256hex(info.parentRefreshTokenHash1);
        if (!isChildOfStored) {
          return json({ status: "TOKEN_THEFT_DETECTED", session: { handle: session.handle, userId: session.userId, recipeUserId: session.recipeUserId } });
        }
        const promoted = updateSession(state, appId, session.handle, (s) => ({ ...s, refreshTokenHash2: sha256hex(hash1), expiry: now + state.config.refreshTokenValidityMs }));
        if (!promoted) return unauthorised("Session missing in db or has expired");
        current = promoted;
      }
      const newAntiCsrf = enableAntiCsrf ? randomUUID() : null;
      const child = state.refreshTokens.create({ sessionHandle: current.handle, userId: current.recipeUserId, tenantId: current.tenantId, parentRefreshTokenHash1: hash1, antiCsrfToken: newAntiCsrf });
      const accessToken = await mint(state, claimsOf(current, sha256hex(child), hash1, newAntiCsrf), now, useDynamicKey);
      return ok({
        session: sessionJson(current),
        accessToken,
        refreshToken: { token: child, expiry: now + state.config.refreshTokenValidityMs, createdTime: now },
        ...(newAntiCsrf ? { antiCsrfToken: newAntiCsrf } : {}),
      });
    },
  },
  {
    method: "POST",
    path: "/recipe/session/regenerate",
    tenantScoped: false,
    handle: async ({ state, appId, body }) => {
      const input = body();
      const token = input.string("accessToken");
      const newData = input.optionalObject("userDataInJWT");
      if (newData && hasProtectedClaim(newData)) throw badRequest(PROTECTED_FIELD_MESSAGE);
      const now = state.now();
      const verified = verifyAccessToken(state.keys, token, now);
      if (!verified.ok) return unauthorised(verified.reason);
      const c = verified.claims;
      const session = updateSession(state, appId, c.sessionHandle, (s) => (newData ? { ...s, userDataInJWT: newData } : s));
      if (!session) return unauthorised(SESSION_DOES_NOT_EXIST);
      if (verified.expired) return ok({ session: sessionJson(session) });
      const claims = { ...c, userData: session.userDataInJWT };
      const accessToken = await mint(state, claims, now, verified.kid.startsWith("d-"), verified.expiresAt);
      return ok({ session: sessionJson(session), accessToken });
    },
  },
  {
    method: "GET",
    path: "/recipe/session",
    tenantScoped: false,
    handle: ({ state, appId, query }) => {
      const s = liveSession(state, appId, query.string("sessionHandle"));
      if (!s) return unauthorised(SESSION_DOES_NOT_EXIST);
      return ok({
        sessionHandle: s.handle,
        userId: s.userId,
        recipeUserId: s.recipeUserId,
        userDataInDatabase: s.userDataInDatabase,
        expiry: s.expiry,
        userDataInJWT: s.userDataInJWT,
        timeCreated: s.timeCreated,
        tenantId: s.tenantId,
      });
    },
  },
  {
    method: "POST",
    path: "/recipe/session/remove",
    tenantScoped: true,
    handle: ({ state, appId, tenantId, body }) => {
      const input = body();
      const byUser = input.has("userId");
      if (byUser === input.has("sessionHandles")) throw badRequest("Give exactly one of 'userId' or 'sessionHandles'");
      let handles: string[];
      if (byUser) {
        const userId = input.string("userId");
        const acrossAllTenants = input.optionalBoolean("revokeAcrossAllTenants", true);
        input.optionalBoolean("revokeSessionsForLinkedAccounts", true);
        if (acrossAllTenants && tenantId !== PUBLIC_TENANT) throw badRequest("revokeAcrossAllTenants can only be true when called from the public tenant");
        handles = state.store.sessionHandlesOfUser(appId, userId).filter((h) => acrossAllTenants || state.store.getSession(appId, h)?.tenantId === tenantId);
      } else {
        if (input.has("revokeAcrossAllTenants") || input.has("revokeSessionsForLinkedAccounts")) {
          throw badRequest("revokeAcrossAllTenants and revokeSessionsForLinkedAccounts can only be used with userId");
        }
        handles = input.stringArray("sessionHandles");
      }
      const revoked = state.store.transaction(() => [...new Set(handles)].filter((h) => state.store.deleteSession(appId, h)));
      return ok({ sessionHandlesRevoked: revoked });
    },
  },
  {
    method: "GET",
    path: "/recipe/session/user",
    tenantScoped: true,
    handle: ({ state, appId, tenantId, query }) => {
      const userId = query.string("userId");
      const acrossAllTenants = query.optionalBoolean("fetchAcrossAllTenants", true);
      query.optionalBoolean("fetchSessionsForAllLinkedAccounts", true);
      const sessionHandles = state.store.sessionHandlesOfUser(appId, userId).filter((h) => {
        const s = liveSession(state, appId, h);
        return s !== undefined && (acrossAllTenants || s.tenantId === tenantId);
      });
      return ok({ sessionHandles });
    },
  },
  {
    method: "PUT",
    path: "/recipe/session/data",
    tenantScoped: false,
    handle: ({ state, appId, body }) => {
      const input = body();
      const handle = input.string("sessionHandle");
      const userDataInDatabase = input.object("userDataInDatabase");
      return updateSession(state, appId, handle, (s) => ({ ...s, userDataInDatabase })) ? ok({}) : unauthorised(SESSION_DOES_NOT_EXIST);
    },
  },
  {
    method: "GET",
    path: "/recipe/session/data",
    tenantScoped: false,
    handle: ({ state, appId, query }) => {
      const s = liveSession(state, appId, query.string("sessionHandle"));
      return s ? ok({ userDataInDatabase: s.userDataInDatabase }) : unauthorised(SESSION_DOES_NOT_EXIST);
    },
  },
  {
    method: "PUT",
    path: "/recipe/jwt/data",
    tenantScoped: true,
    handle: ({ state, appId, body }) => {
      const input = body();
      const handle = input.string("sessionHandle");
      const userDataInJWT = input.object("userDataInJWT");
      if (hasProtectedClaim(userDataInJWT)) throw badRequest(PROTECTED_FIELD_MESSAGE);
      return updateSession(state, appId, handle, (s) => ({ ...s, userDataInJWT })) ? ok({}) : unauthorised(SESSION_DOES_NOT_EXIST);
    },
  },
  {
    method: "GET",
    path: "/recipe/jwt/data",
    tenantScoped: true,
    handle: ({ state, appId, query }) => {
      const s = liveSession(state, appId, query.string("sessionHandle"));
      return s ? ok({ userDataInJWT: s.userDataInJWT }) : unauthorised(SESSION_DOES_NOT_EXIST);
    },
  },
];
