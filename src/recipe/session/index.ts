/**
 * corelens/recipe/session: the session functions of supertokens-node 24 that
 * work without a request/response, with the same arguments, results and errors.
 *
 *   import Session from "corelens/recipe/session";
 *   const session = await Session.getSessionWithoutRequestResponse(accessToken);
 */
import type { UserContext } from "../../querier/types.js";
import { withRecipeSpan, type RecipeSpan } from "../../telemetry/recipeSpan.js";
import { badInput } from "../error.js";
import { getRecipeInstance } from "../registry.js";
import type { RecipeFactory } from "../types.js";
import { DEFAULT_TENANT_ID } from "../constants.js";
import { recipeUserIdString, type RecipeUserId } from "../users/recipeUserId.js";
import { normaliseSessionConfig, type SessionConfigInput } from "./config.js";
import { SessionError } from "./error.js";
import { SESSION_RECIPE_ID, sessionRecipeFactory, type SessionRecipe } from "./recipe.js";
import type { SessionContainer } from "./sessionContainer.js";
import type { JSONObject, SessionContainerInterface, SessionInformation, VerifySessionOptions } from "./types.js";

export type { SessionConfigInput, AntiCsrfMode } from "./config.js";
export type { SessionInformation, VerifySessionOptions, SessionTokens, TokenInfo, JSONObject } from "./types.js";
export type { SessionContainerInterface as SessionContainer } from "./types.js";

const recipe = (): SessionRecipe => getRecipeInstance<SessionRecipe>(SESSION_RECIPE_ID, "Session");

/** Adds the session recipe to corelens.init({ recipeList }). */
export function init(config?: SessionConfigInput): RecipeFactory<SessionRecipe> {
  return sessionRecipeFactory(normaliseSessionConfig(config));
}

function span<T>(fn: string, tenantId: string | undefined, run: (s: RecipeSpan) => Promise<T>): Promise<T> {
  return withRecipeSpan("session", fn, tenantId, run);
}

export function createNewSessionWithoutRequestResponse(
  tenantId: string,
  recipeUserId: RecipeUserId,
  accessTokenPayload: any = {},
  sessionDataInDatabase: any = {},
  disableAntiCsrf = false,
  userContext?: UserContext,
): Promise<SessionContainerInterface> {
  return span("createNewSessionWithoutRequestResponse", tenantId, async (s) => {
    if (typeof tenantId !== "string") {
      throw badInput(`createNewSessionWithoutRequestResponse: tenantId must be a string (use "${DEFAULT_TENANT_ID}" for the default tenant).`);
    }
    const id = recipeUserIdString(recipeUserId, "createNewSessionWithoutRequestResponse: recipeUserId");
    const session = await recipe().createNewSession(
      tenantId,
      id,
      accessTokenPayload ?? {},
      sessionDataInDatabase,
      disableAntiCsrf === true,
      userContext ?? {},
    );
    s.setResultStatus("OK");
    return session;
  });
}

export function getSessionWithoutRequestResponse(
  accessToken: string,
  antiCsrfToken?: string,
): Promise<SessionContainerInterface>;
export function getSessionWithoutRequestResponse(
  accessToken: string,
  antiCsrfToken?: string,
  options?: VerifySessionOptions & { sessionRequired?: true },
  userContext?: UserContext,
): Promise<SessionContainerInterface>;
export function getSessionWithoutRequestResponse(
  accessToken: string,
  antiCsrfToken?: string,
  options?: VerifySessionOptions & { sessionRequired: false },
  userContext?: UserContext,
): Promise<SessionContainerInterface | undefined>;
export function getSessionWithoutRequestResponse(
  accessToken: string,
  antiCsrfToken?: string,
  options?: VerifySessionOptions,
  userContext?: UserContext,
): Promise<SessionContainerInterface | undefined>;
export function getSessionWithoutRequestResponse(
  accessToken: string,
  antiCsrfToken?: string,
  options?: VerifySessionOptions,
  userContext?: UserContext,
): Promise<SessionContainerInterface | undefined> {
  return span("getSessionWithoutRequestResponse", undefined, async (s) => {
    if (options?.overrideGlobalClaimValidators !== undefined) {
      throw badInput(
        "getSessionWithoutRequestResponse: overrideGlobalClaimValidators is not supported by corelens (it has no session claims). Remove it.",
      );
    }
    const session = await recipe().getSession(accessToken, antiCsrfToken, options, userContext ?? {}, s);
    s.setResultStatus(session === undefined ? "NO_SESSION" : "OK");
    return session;
  });
}

export function refreshSessionWithoutRequestResponse(
  refreshToken: string,
  disableAntiCsrf = false,
  antiCsrfToken?: string,
  userContext?: UserContext,
): Promise<SessionContainerInterface> {
  return span("refreshSessionWithoutRequestResponse", undefined, async (s) => {
    if (typeof refreshToken !== "string") {
      throw badInput("refreshSessionWithoutRequestResponse: refreshToken must be a string (the refresh token from createNewSession or the last refresh).");
    }
    const session: SessionContainer = await recipe().refreshSession(refreshToken, disableAntiCsrf === true, antiCsrfToken, userContext ?? {});
    s.setTenantId(session.getTenantId());
    s.setResultStatus("OK");
    return session;
  });
}

export function getSessionInformation(sessionHandle: string, userContext?: UserContext): Promise<SessionInformation | undefined> {
  return span("getSessionInformation", undefined, async (s) => {
    const info = await recipe().getSessionInformation(sessionHandle, userContext ?? {});
    s.setTenantId(info?.tenantId);
    s.setResultStatus(info === undefined ? "UNAUTHORISED" : "OK");
    return info;
  });
}

export function revokeAllSessionsForUser(
  userId: string,
  revokeSessionsForLinkedAccounts = true,
  tenantId?: string,
  userContext?: UserContext,
): Promise<string[]> {
  return span("revokeAllSessionsForUser", tenantId, () =>
    recipe().revokeAllSessionsForUser(userId, revokeSessionsForLinkedAccounts, tenantId, userContext ?? {}),
  );
}

export function getAllSessionHandlesForUser(
  userId: string,
  fetchSessionsForAllLinkedAccounts = true,
  tenantId?: string,
  userContext?: UserContext,
): Promise<string[]> {
  return span("getAllSessionHandlesForUser", tenantId, () =>
    recipe().getAllSessionHandlesForUser(userId, fetchSessionsForAllLinkedAccounts, tenantId, userContext ?? {}),
  );
}

export function revokeSession(sessionHandle: string, userContext?: UserContext): Promise<boolean> {
  return span("revokeSession", undefined, () => recipe().revokeSession(sessionHandle, userContext ?? {}));
}

export function revokeMultipleSessions(sessionHandles: string[], userContext?: UserContext): Promise<string[]> {
  return span("revokeMultipleSessions", undefined, () => {
    if (!Array.isArray(sessionHandles)) throw badInput("revokeMultipleSessions: sessionHandles must be an array of session handles.");
    return recipe().revokeMultipleSessions(sessionHandles, userContext ?? {});
  });
}

export function updateSessionDataInDatabase(sessionHandle: string, newSessionData: any, userContext?: UserContext): Promise<boolean> {
  return span("updateSessionDataInDatabase", undefined, async (s) => {
    const ok = await recipe().updateSessionDataInDatabase(sessionHandle, newSessionData, userContext ?? {});
    s.setResultStatus(ok ? "OK" : "UNAUTHORISED");
    return ok;
  });
}

export function mergeIntoAccessTokenPayload(
  sessionHandle: string,
  accessTokenPayloadUpdate: JSONObject,
  userContext?: UserContext,
): Promise<boolean> {
  return span("mergeIntoAccessTokenPayload", undefined, async (s) => {
    if (accessTokenPayloadUpdate === null || typeof accessTokenPayloadUpdate !== "object") {
      throw badInput("mergeIntoAccessTokenPayload: accessTokenPayloadUpdate must be an object (null values delete keys).");
    }
    const ok = await recipe().mergeIntoAccessTokenPayload(sessionHandle, accessTokenPayloadUpdate, userContext ?? {});
    s.setResultStatus(ok ? "OK" : "UNAUTHORISED");
    return ok;
  });
}

export function getJWKS(userContext?: UserContext): Promise<{ keys: any[]; validityInSeconds?: number }> {
  return span("getJWKS", undefined, () => recipe().getJWKS(userContext ?? {}));
}

export { SessionError as Error };

const Session = {
  init,
  Error: SessionError,
  createNewSessionWithoutRequestResponse,
  getSessionWithoutRequestResponse,
  refreshSessionWithoutRequestResponse,
  getSessionInformation,
  revokeAllSessionsForUser,
  getAllSessionHandlesForUser,
  revokeSession,
  revokeMultipleSessions,
  updateSessionDataInDatabase,
  mergeIntoAccessTokenPayload,
  getJWKS,
};

export default Session;
