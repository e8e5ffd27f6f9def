/**
 * Turns the errors an auth API or verifySession can end with into the
 * answers the frontend SDKs expect: a session that needs refreshing is
 * `sessionExpiredStatusCode` (401) { message: "try refresh token" }, one that is
 * gone is 401 { message: "unauthorised" } with the tokens cleared, a stolen
 * refresh token revokes the session and is 401 { message: "token theft detected" },
 * bad input is 400 { message }, a form rule is 200 FIELD_ERROR. Anything
 * else is not ours: it goes to the app's error handling unchanged.
 */
import type { UserContext } from "../../querier/types.js";
import { CorelensError } from "../../recipe/error.js";
import * as Session from "../../recipe/session/index.js";
import { SessionError } from "../../recipe/session/error.js";
import { FIELD_ERROR, FormFieldError } from "./formFields.js";
import type { ReplyBag } from "./http.js";
import { sessionHttpConfig } from "./sessionConfig.js";
import { clearAllTokens } from "./sessionTransport.js";

/** True when `err` is one corelens answers itself (handleAuthError will write the reply). */
export function isAuthError(err: unknown): err is CorelensError {
  if (!CorelensError.isErrorFromSuperTokens(err)) return false;
  return err instanceof SessionError || err.type === CorelensError.BAD_INPUT_ERROR || err.type === FIELD_ERROR;
}

/** Writes the answer for `err` into `reply`; returns the outcome name, or undefined when `err` is not an auth error. */
export async function handleAuthError(err: unknown, reply: ReplyBag, userContext: UserContext): Promise<string | undefined> {
  if (!isAuthError(err)) return undefined;
  if (err instanceof FormFieldError) {
    reply.sendJSON(200, { status: FIELD_ERROR, formFields: err.formFields });
    return FIELD_ERROR;
  }
  if (err.type === CorelensError.BAD_INPUT_ERROR) {
    reply.sendJSON(400, { message: err.message });
    return err.type;
  }
  const status = sessionHttpConfig().sessionExpiredStatusCode;
  switch (err.type) {
    case SessionError.TRY_REFRESH_TOKEN:
      reply.sendJSON(status, { message: "try refresh token" });
      break;
    case SessionError.TOKEN_THEFT_DETECTED: {
      // The refresh token was used twice: someone else has a copy. End the session for both holders.
      await Session.revokeSession((err.payload as { sessionHandle: string }).sessionHandle, userContext);
      clearAllTokens(reply);
      reply.sendJSON(status, { message: "token theft detected" });
      break;
    }
    case SessionError.UNAUTHORISED:
      if ((err.payload as { clearTokens?: boolean } | undefined)?.clearTokens !== false) clearAllTokens(reply);
      reply.sendJSON(status, { message: "unauthorised" });
      break;
    default:
      // INVALID_CLAIMS / CLEAR_DUPLICATE_SESSION_COOKIES are never thrown by corelens (no claims, no older cookie domain).
      reply.sendJSON(status, { message: "unauthorised" });
  }
  return err.type;
}
