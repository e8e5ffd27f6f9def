/**
 * Session errors, with the same `type` values, static names and payloads as
 * supertokens-node's, so existing error handling (401 on UNAUTHORISED /
 * TRY_REFRESH_TOKEN, revoke on TOKEN_THEFT_DETECTED) keeps working.
 */
import { CorelensError } from "../error.js";
import type { RecipeUserId } from "../users/recipeUserId.js";

export type SessionErrorOptions =
  | { message: string; type: "UNAUTHORISED"; payload?: { clearTokens: boolean } }
  | { message: string; type: "TRY_REFRESH_TOKEN" }
  | {
      message: string;
      type: "TOKEN_THEFT_DETECTED";
      payload: { userId: string; recipeUserId: RecipeUserId; sessionHandle: string };
    }
  | { message: string; type: "INVALID_CLAIMS"; payload: { id: string; reason?: unknown }[] }
  | { message: string; type: "CLEAR_DUPLICATE_SESSION_COOKIES" };

export class SessionError extends CorelensError {
  static readonly UNAUTHORISED = "UNAUTHORISED" as const;
  static readonly TRY_REFRESH_TOKEN = "TRY_REFRESH_TOKEN" as const;
  static readonly TOKEN_THEFT_DETECTED = "TOKEN_THEFT_DETECTED" as const;
  static readonly INVALID_CLAIMS = "INVALID_CLAIMS" as const;
  static readonly CLEAR_DUPLICATE_SESSION_COOKIES = "CLEAR_DUPLICATE_SESSION_COOKIES" as const;

  constructor(options: SessionErrorOptions) {
    // UNAUTHORISED defaults to clearing the tokens, as in supertokens-node.
    const payload =
      options.type === "UNAUTHORISED" && options.payload === undefined
        ? { clearTokens: true }
        : "payload" in options
          ? options.payload
          : undefined;
    super({ message: options.message, type: options.type, payload });
    this.name = "SessionError";
    this.fromRecipe = "session";
  }
}

export const unauthorised = (message: string, clearTokens?: boolean): SessionError =>
  new SessionError(
    clearTokens === undefined
      ? { type: "UNAUTHORISED", message }
      : { type: "UNAUTHORISED", message, payload: { clearTokens } },
  );

export const tryRefreshToken = (message: string): SessionError =>
  new SessionError({ type: "TRY_REFRESH_TOKEN", message });
