/** Public shapes of the session recipe, as supertokens-node names them. */
import type { UserContext } from "../../querier/types.js";
import type { RecipeUserId } from "../users/recipeUserId.js";

export interface SessionInformation {
  sessionHandle: string;
  userId: string;
  recipeUserId: RecipeUserId;
  sessionDataInDatabase: any;
  expiry: number;
  customClaimsInAccessTokenPayload: any;
  timeCreated: number;
  tenantId: string;
}

export interface VerifySessionOptions {
  /** Default true. Only matters with antiCsrf VIA_TOKEN (or VIA_CUSTOM_HEADER, which then throws). */
  antiCsrfCheck?: boolean;
  /** Default true. False: a missing or unparsable token gives `undefined` instead of UNAUTHORISED. */
  sessionRequired?: boolean;
  /** Default false. True: ask the core too (catches revoked sessions; costs a call). */
  checkDatabase?: boolean;
  /** Claim validators are not supported by corelens; a function here is refused. */
  overrideGlobalClaimValidators?: unknown;
}

export interface TokenInfo {
  token: string;
  expiry: number;
  createdTime: number;
}

export interface SessionTokens {
  accessToken: string;
  accessAndFrontTokenUpdated: boolean;
  refreshToken: string | undefined;
  frontToken: string;
  antiCsrfToken: string | undefined;
}

export type JSONObject = Record<string, any>;

export interface SessionContainerInterface {
  revokeSession(userContext?: UserContext): Promise<void>;
  getSessionDataFromDatabase(userContext?: UserContext): Promise<any>;
  updateSessionDataInDatabase(newSessionData: any, userContext?: UserContext): Promise<any>;
  getUserId(userContext?: UserContext): string;
  getRecipeUserId(userContext?: UserContext): RecipeUserId;
  getTenantId(userContext?: UserContext): string;
  getAccessTokenPayload(userContext?: UserContext): any;
  getHandle(userContext?: UserContext): string;
  getAllSessionTokensDangerously(): SessionTokens;
  getAccessToken(userContext?: UserContext): string;
  mergeIntoAccessTokenPayload(accessTokenPayloadUpdate: JSONObject, userContext?: UserContext): Promise<void>;
  getTimeCreated(userContext?: UserContext): Promise<number>;
  getExpiry(userContext?: UserContext): Promise<number>;
}
