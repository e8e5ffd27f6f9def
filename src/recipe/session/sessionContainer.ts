/**
 * The session object returned by create / get / refresh: the tokens and the
 * claims it was built from, plus the calls that act on this one session.
 * Methods and results match supertokens-node's Session class.
 */
import type { UserContext } from "../../querier/types.js";
import { withRecipeSpan } from "../../telemetry/recipeSpan.js";
import type { RecipeUserId } from "../users/recipeUserId.js";
import { payloadOf } from "./accessToken.js";
import { unauthorised } from "./error.js";
import { PROTECTED_PROPS } from "./protectedProps.js";
import type { JSONObject, SessionContainerInterface, SessionInformation, SessionTokens, TokenInfo } from "./types.js";

/** What a session object needs from the recipe: the calls on one handle. */
export interface SessionCalls {
  revokeSession(sessionHandle: string, userContext: UserContext): Promise<boolean>;
  getSessionInformation(sessionHandle: string, userContext: UserContext): Promise<SessionInformation | undefined>;
  updateSessionDataInDatabase(sessionHandle: string, data: any, userContext: UserContext): Promise<boolean>;
  regenerateAccessToken(
    accessToken: string,
    newPayload: JSONObject,
    userContext: UserContext,
  ): Promise<{ accessToken?: TokenInfo; session: { userDataInJWT: any } } | undefined>;
}

export interface SessionState {
  accessToken: string;
  /** Expiry of the access token, in ms, for the front token. */
  accessTokenExpiry: number;
  refreshToken: TokenInfo | undefined;
  antiCsrfToken: string | undefined;
  sessionHandle: string;
  userId: string;
  recipeUserId: RecipeUserId;
  payload: JSONObject;
  accessTokenUpdated: boolean;
  tenantId: string;
}

/** The front token the frontend SDKs read: base64 JSON of user id, access-token expiry and payload. */
function buildFrontToken(userId: string, accessTokenExpiry: number, payload: JSONObject): string {
  return Buffer.from(JSON.stringify({ uid: userId, ate: accessTokenExpiry, up: payload })).toString("base64");
}

const span = <T>(fn: string, tenantId: string | undefined, run: () => Promise<T>): Promise<T> =>
  withRecipeSpan("session", `sessionContainer.${fn}`, tenantId, run);

export class SessionContainer implements SessionContainerInterface {
  readonly #calls: SessionCalls;
  #state: SessionState;

  constructor(calls: SessionCalls, state: SessionState) {
    this.#calls = calls;
    this.#state = state;
  }

  getUserId(_userContext?: UserContext): string {
    return this.#state.userId;
  }

  getRecipeUserId(_userContext?: UserContext): RecipeUserId {
    return this.#state.recipeUserId;
  }

  getTenantId(_userContext?: UserContext): string {
    return this.#state.tenantId;
  }

  /** The whole access-token payload, protected claims (sub, exp, sessionHandle, ...) included. */
  getAccessTokenPayload(_userContext?: UserContext): any {
    return this.#state.payload;
  }

  getHandle(_userContext?: UserContext): string {
    return this.#state.sessionHandle;
  }

  getAccessToken(_userContext?: UserContext): string {
    return this.#state.accessToken;
  }

  getAllSessionTokensDangerously(): SessionTokens {
    const s = this.#state;
    return {
      accessToken: s.accessToken,
      accessAndFrontTokenUpdated: s.accessTokenUpdated,
      refreshToken: s.refreshToken?.token,
      frontToken: buildFrontToken(s.userId, s.accessTokenExpiry, s.payload),
      antiCsrfToken: s.antiCsrfToken,
    };
  }

  /** The refresh token's expiry (ms) when this object carries a new refresh token; the framework sets its cookie's Expires from it. */
  getRefreshTokenExpiry(): number | undefined {
    return this.#state.refreshToken?.expiry;
  }

  revokeSession(userContext?: UserContext): Promise<void> {
    return span("revokeSession", this.#state.tenantId, async () => {
      await this.#calls.revokeSession(this.#state.sessionHandle, userContext ?? {});
    });
  }

  getSessionDataFromDatabase(userContext?: UserContext): Promise<any> {
    return span("getSessionDataFromDatabase", this.#state.tenantId, async () => {
      return (await this.#info(userContext ?? {})).sessionDataInDatabase;
    });
  }

  updateSessionDataInDatabase(newSessionData: any, userContext?: UserContext): Promise<any> {
    return span("updateSessionDataInDatabase", this.#state.tenantId, async () => {
      const ok = await this.#calls.updateSessionDataInDatabase(this.#state.sessionHandle, newSessionData, userContext ?? {});
      if (!ok) throw unauthorised("Session does not exist anymore");
    });
  }

  getTimeCreated(userContext?: UserContext): Promise<number> {
    return span("getTimeCreated", this.#state.tenantId, async () => (await this.#info(userContext ?? {})).timeCreated);
  }

  getExpiry(userContext?: UserContext): Promise<number> {
    return span("getExpiry", this.#state.tenantId, async () => (await this.#info(userContext ?? {})).expiry);
  }

  /**
   * Merges into this session's access-token payload and gets a new access
   * token for it from the core (`null` values delete keys; protected claims
   * cannot be set).
   */
  mergeIntoAccessTokenPayload(accessTokenPayloadUpdate: JSONObject, userContext?: UserContext): Promise<void> {
    return span("mergeIntoAccessTokenPayload", this.#state.tenantId, async () => {
      const merged: JSONObject = { ...this.#state.payload };
      for (const key of PROTECTED_PROPS) delete merged[key];
      Object.assign(merged, accessTokenPayloadUpdate);
      for (const [key, value] of Object.entries(accessTokenPayloadUpdate)) {
        if (value === null) delete merged[key];
      }
      const response = await this.#calls.regenerateAccessToken(this.#state.accessToken, merged, userContext ?? {});
      if (response === undefined) throw unauthorised("Session does not exist anymore");
      if (response.accessToken !== undefined) {
        const payload = payloadOf(response.accessToken.token);
        this.#state = {
          ...this.#state,
          accessToken: response.accessToken.token,
          accessTokenExpiry: response.accessToken.expiry,
          payload,
          accessTokenUpdated: true,
        };
      } else {
        // The token expired in between: the core stored the update; it shows after the next refresh.
        this.#state = { ...this.#state, payload: { ...this.#state.payload, ...response.session.userDataInJWT } };
      }
    });
  }

  async #info(userContext: UserContext): Promise<SessionInformation> {
    const info = await this.#calls.getSessionInformation(this.#state.sessionHandle, userContext);
    if (info === undefined) throw unauthorised("Session does not exist anymore");
    return info;
  }
}
